// RFC 9051 §6.4.6 STORE and UID STORE, with UNCHANGEDSINCE (RFC 7162
// §3.1.3): messages modified since are left alone and named in
// [MODIFIED ...] — sequence numbers for STORE, UIDs for UID STORE.
import { formatSequenceSet } from "../parser/sequence-set.ts";
import { parseStoreArguments, type StoreArguments } from "../parser/store-arguments.ts";
import { flagItems } from "../session/selected-mailbox.ts";
import type { Session } from "../session/session.ts";
import { type Command, type CommandResult, defineCommand, no, ok, SELECTED } from "./command.ts";
import { messagesOf } from "./message-set.ts";
import { refused } from "./refusal.ts";

function storeCommand(byUid: boolean): Command {
  return defineCommand({
    name: byUid ? "UID STORE" : "STORE",
    states: SELECTED,
    // RFC 9051 §7.5.1: no EXPUNGE during STORE; UID STORE may carry them.
    expungeAllowed: byUid,
    catchUpFirst: byUid,
    parse: parseStoreArguments,
    run: ({ session }, args) => runStore(session, args, byUid),
  });
}

export const storeCommandSpec = storeCommand(false);
export const uidStoreCommand = storeCommand(true);

async function runStore(session: Session, args: StoreArguments, byUid: boolean): Promise<CommandResult> {
  const selected = session.requireSelected;
  if (selected.readOnly) return no("Mailbox is read-only");
  if (args.unchangedSince !== null) session.condstore = true;
  const uids = messagesOf(selected, args.set, byUid).filter((uid) => !selected.isExpunged(uid));
  if (uids.length === 0) return ok("STORE completed");
  const outcome = await session.backend.storeFlags(session.requirePrincipal, selected.folderId, {
    uids,
    mode: args.mode,
    flags: args.flags,
    unchangedSince: args.unchangedSince,
  });
  if (!outcome.ok) return refused(outcome);
  const changed = new Set<number>();
  for (const state of outcome.changed) {
    selected.recordOwnChange(state);
    changed.add(state.uid);
  }
  const modified = new Set(outcome.modified);
  for (const uid of uids) {
    if (modified.has(uid)) continue;
    // RFC 7162 §3.1.3: under CONDSTORE a changed message is reported (with MODSEQ) even with .SILENT.
    if (args.silent && !(session.condstore && changed.has(uid))) continue;
    const state = selected.state(uid);
    const msn = selected.msnOf(uid);
    if (!state || msn === null) continue;
    const items = flagItems(state, session.condstore);
    await session.writer.untagged(
      `${msn} FETCH (${byUid || session.qresync ? items : items.replace(/^UID \d+ /, "")})`,
    );
  }
  if (modified.size > 0) {
    const numbers = [...modified].map((uid) => (byUid ? uid : (selected.msnOf(uid) ?? 0))).filter((n) => n > 0);
    return ok(
      "Conditional STORE failed for some messages",
      `MODIFIED ${formatSequenceSet(numbers.sort((a, b) => a - b))}`,
    );
  }
  return ok("STORE completed");
}
