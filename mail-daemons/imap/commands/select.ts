// RFC 9051 §6.3.2 SELECT and §6.3.3 EXAMINE, with CONDSTORE (RFC 7162
// §3.1.8) and QRESYNC (§3.2.5): the untagged FLAGS, EXISTS, UIDVALIDITY,
// UIDNEXT, HIGHESTMODSEQ, then VANISHED (EARLIER) and the changed flags for
// a resynchronising client. Only UIDs, flags and modseqs are loaded.
import { SYSTEM_FLAGS } from "../parser/flags.ts";
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { parseSelectParameters, type QresyncParameters } from "../parser/select-parameters.ts";
import { formatSequenceSet, resolveRanges } from "../parser/sequence-set.ts";
import { encodeAstring } from "../response/encode.ts";
import { encodeMailboxName } from "../response/mailbox-name.ts";
import { flagItems, type SelectedMailbox } from "../session/selected-mailbox.ts";
import type { Session } from "../session/session.ts";
import { AUTHENTICATED, bad, type Command, defineCommand, no, ok } from "./command.ts";

function selectCommand(name: "SELECT" | "EXAMINE"): Command {
  return defineCommand({
    name,
    states: AUTHENTICATED,
    parse(cursor, options) {
      cursor.sp();
      const mailbox = parseMailboxName(cursor, options);
      return { mailbox, parameters: parseSelectParameters(cursor) };
    },
    async run({ session }, { mailbox, parameters }) {
      const principal = session.requirePrincipal;
      // RFC 7162 §3.2.5: QRESYNC without ENABLE QRESYNC is a client error (and changes nothing).
      if (parameters.qresync && !session.qresync) return bad("QRESYNC was not enabled");
      // RFC 9051 §6.3.2 / RFC 7162 §3.2.11: a new SELECT closes the old mailbox first, even if it fails.
      const hadSelected = session.selected !== null;
      session.close();
      if (hadSelected && (session.qresync || session.rev2))
        await session.writer.untagged("OK [CLOSED] Previous mailbox closed");
      if (parameters.condstore) session.condstore = true;
      const folder = await session.backend.select(principal, mailbox);
      if (!folder) return no("No such mailbox", "NONEXISTENT");
      const selected = session.select({ ...folder, readOnly: folder.readOnly || name === "EXAMINE" });
      if (!session.rev2) {
        // RFC 3501 §2.3.2: recent are the messages no earlier read-write session was told of;
        // SELECT takes them for this session, EXAMINE only looks (§6.3.2: no change to the mailbox).
        const from = await session.backend.claimRecent(principal, folder.folderId, folder.uidNext, !selected.readOnly);
        if (from === null) {
          session.close();
          return no("No such mailbox", "NONEXISTENT");
        }
        selected.reportRecent = true;
        selected.markRecent(from, folder.uidNext);
      }
      // Changes between the snapshot and the watch: the first flush asks once.
      selected.dirty = true;
      await announce(session, selected);
      if (parameters.qresync && parameters.qresync.uidValidity === selected.uidValidity)
        await resynchronise(session, selected, parameters.qresync);
      return ok(`${name} completed`, selected.readOnly ? "READ-ONLY" : "READ-WRITE");
    },
  });
}

export const selectCommandSpec = selectCommand("SELECT");
export const examineCommand = selectCommand("EXAMINE");

async function announce(session: Session, selected: SelectedMailbox): Promise<void> {
  const write = (line: string) => session.writer.untagged(line);
  const keywords = new Map<string, string>();
  let firstUnseen = 0;
  // Flag arrays are shared between messages with the same flags: each distinct one is read once.
  const seen = new Set<readonly string[]>();
  for (let index = 0; index < selected.count; index++) {
    const flags = selected.flagsAt(index);
    if (firstUnseen === 0 && !flags.includes("\\Seen")) firstUnseen = index + 1;
    if (seen.has(flags)) continue;
    seen.add(flags);
    for (const flag of flags) if (!flag.startsWith("\\")) keywords.set(flag.toLowerCase(), flag);
  }
  const flags = [...SYSTEM_FLAGS, ...keywords.values()].join(" ");
  await write(`FLAGS (${flags})`);
  // RFC 9051 §7.1: \* says clients may create keywords; an EXAMINEd mailbox has no permanent flags.
  await write(`OK [PERMANENTFLAGS (${selected.readOnly ? "" : `${SYSTEM_FLAGS.join(" ")} \\*`})] Flags permitted`);
  await write(`${selected.count} EXISTS`);
  if (!session.rev2) {
    await write(`${selected.recentCount} RECENT`);
    if (firstUnseen) await write(`OK [UNSEEN ${firstUnseen}] First unseen`);
  }
  await write(`OK [UIDVALIDITY ${selected.uidValidity}] UIDs valid`);
  await write(`OK [UIDNEXT ${selected.uidNext}] Predicted next UID`);
  // RFC 7162 §3.1.2.1: every SELECT of a mailbox with mod-sequences reports HIGHESTMODSEQ.
  await write(`OK [HIGHESTMODSEQ ${selected.highestModseq}] Highest`);
  // RFC 9051 §6.3.2: the mailbox's name as a LIST response.
  if (session.rev2)
    await write(`LIST () "/" ${encodeAstring(encodeMailboxName(selected.name, session.utf8), session)}`);
}

/**
 * RFC 7162 §3.2.5.2: UIDs expunged since the client's modseq as VANISHED
 * (EARLIER), then FETCH for messages changed since it, both within the
 * client's known UIDs when it sent them.
 */
async function resynchronise(session: Session, selected: SelectedMailbox, qresync: QresyncParameters): Promise<void> {
  const known =
    qresync.knownUids?.kind === "ranges" ? resolveRanges(qresync.knownUids.ranges, selected.uidNext - 1) : null;
  const inKnown = (uid: number) => !known || known.some(([low, high]) => uid >= low && uid <= high);
  const changes = await session.backend.changesSince(session.requirePrincipal, selected.folderId, qresync.modseq);
  if (!changes) return;
  const vanished = changes.expunged.filter((uid) => inKnown(uid) && selected.msnOf(uid) === null).sort((a, b) => a - b);
  if (vanished.length > 0) await session.writer.untagged(`VANISHED (EARLIER) ${formatSequenceSet(vanished)}`);
  for (let index = 0; index < selected.count; index++) {
    const state = selected.stateAt(index);
    if (state.modseq <= qresync.modseq || !inKnown(state.uid)) continue;
    await session.writer.untagged(`${index + 1} FETCH (${flagItems(state, true)})`);
  }
}
