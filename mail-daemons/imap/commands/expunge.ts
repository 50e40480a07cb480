// RFC 9051 §6.4.3 EXPUNGE and UIDPLUS's UID EXPUNGE (RFC 4315 §2.1, RFC
// 9051 §6.4.9): removes \Deleted messages (within the UID set) and reports
// each as EXPUNGE, or VANISHED under QRESYNC (RFC 7162 §3.2.10).
import { parseSequenceSet, type SequenceSet } from "../parser/sequence-set.ts";
import type { Session } from "../session/session.ts";
import { type Command, defineCommand, no, ok, SELECTED } from "./command.ts";
import { refused } from "./refusal.ts";

async function expungeDeleted(session: Session, set: SequenceSet | null) {
  const selected = session.requireSelected;
  if (selected.readOnly) return no("Mailbox is read-only");
  const candidates = set ? selected.resolve(set, true) : selected.allUids;
  const deleted = candidates.filter(
    (uid) => selected.state(uid)?.flags.includes("\\Deleted") && !selected.isExpunged(uid),
  );
  if (deleted.length > 0) {
    const outcome = await session.backend.expunge(session.requirePrincipal, selected.folderId, deleted);
    if (!outcome.ok) return refused(outcome);
    for (const line of selected.expungeNow(outcome.expunged, session.flushOptions(true)))
      await session.writer.untagged(line);
  }
  return ok("EXPUNGE completed");
}

export const expungeCommand: Command = defineCommand({
  name: "EXPUNGE",
  catchUpFirst: true,
  states: SELECTED,
  parse: () => null,
  run: ({ session }) => expungeDeleted(session, null),
});

export const uidExpungeCommand: Command = defineCommand({
  name: "UID EXPUNGE",
  catchUpFirst: true,
  states: SELECTED,
  parse(cursor) {
    cursor.sp();
    return parseSequenceSet(cursor);
  },
  run: ({ session }, set) => expungeDeleted(session, set),
});
