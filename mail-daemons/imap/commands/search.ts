// RFC 9051 §6.4.4 SEARCH and UID SEARCH. Results as "* SEARCH" for
// IMAP4rev1 clients that asked for nothing else, as ESEARCH (RFC 4731) when
// RETURN was given or IMAP4rev2 is enabled; SAVE keeps them for "$" (RFC
// 5182); with a MODSEQ key the highest modseq of the results is added
// (RFC 7162 §3.1.5).
import { parseSearchArguments, type SearchArguments, type SearchKey } from "../parser/search-keys.ts";
import { formatSequenceSet } from "../parser/sequence-set.ts";
import { evaluateSearch } from "../search/evaluate-search.ts";
import type { Session } from "../session/session.ts";
import { type Command, type CommandResult, defineCommand, ok, SELECTED } from "./command.ts";

function searchCommand(byUid: boolean): Command {
  return defineCommand({
    name: byUid ? "UID SEARCH" : "SEARCH",
    states: SELECTED,
    // RFC 9051 §7.5.1: no EXPUNGE during SEARCH; UID SEARCH may carry them.
    expungeAllowed: byUid,
    catchUpFirst: byUid,
    parse(cursor) {
      cursor.sp();
      return parseSearchArguments(cursor);
    },
    run: ({ session, tag }, args) => runSearch(session, tag, args, byUid),
  });
}

export const searchCommandSpec = searchCommand(false);
export const uidSearchCommand = searchCommand(true);

async function runSearch(session: Session, tag: string, args: SearchArguments, byUid: boolean): Promise<CommandResult> {
  const selected = session.requireSelected;
  const usesModseq = mentionsModseq(args.key);
  if (usesModseq) session.condstore = true;
  const uids = await evaluateSearch(session, args.key);
  const numbers = byUid ? uids : uids.map((uid) => selected.msnOf(uid) ?? 0);
  const highest =
    usesModseq && uids.length > 0
      ? uids.reduce((max, uid) => Math.max(max, selected.state(uid)?.modseq ?? 0), 0)
      : null;

  const options = args.returnOptions ?? (session.rev2 ? [] : null);
  if (options === null) {
    const modseq = highest !== null ? ` (MODSEQ ${highest})` : "";
    await session.writer.untagged(`SEARCH${numbers.map((n) => ` ${n}`).join("")}${numbers.length > 0 ? modseq : ""}`);
    return ok("SEARCH completed");
  }
  // RFC 4731 §3.1: RETURN () means RETURN (ALL).
  const wanted = new Set(options.length === 0 ? ["ALL"] : options);
  if (wanted.has("SAVE")) {
    // RFC 5182 §2.1: with MIN or MAX alongside SAVE, only those are saved.
    const onlyEnds = wanted.has("MIN") || wanted.has("MAX");
    selected.savedSearch = onlyEnds
      ? [...new Set([wanted.has("MIN") ? uids[0] : undefined, wanted.has("MAX") ? uids.at(-1) : undefined])].filter(
          (uid): uid is number => uid !== undefined,
        )
      : uids;
    // RFC 5182 §2.4: SAVE alone returns no ESEARCH response.
    if (wanted.size === 1) return ok("SEARCH completed, result saved");
  }
  let line = `ESEARCH (TAG "${tag}")${byUid ? " UID" : ""}`;
  if (numbers.length > 0) {
    if (wanted.has("MIN")) line += ` MIN ${numbers[0]}`;
    if (wanted.has("MAX")) line += ` MAX ${numbers.at(-1)}`;
    if (wanted.has("ALL")) line += ` ALL ${formatSequenceSet(numbers)}`;
  }
  if (wanted.has("COUNT")) line += ` COUNT ${numbers.length}`;
  if (highest !== null) line += ` MODSEQ ${highest}`;
  await session.writer.untagged(line);
  return ok("SEARCH completed");
}

function mentionsModseq(key: SearchKey): boolean {
  switch (key.type) {
    case "modseq":
      return true;
    case "not":
      return mentionsModseq(key.key);
    case "or":
      return mentionsModseq(key.left) || mentionsModseq(key.right);
    case "and":
      return key.keys.some(mentionsModseq);
    default:
      return false;
  }
}
