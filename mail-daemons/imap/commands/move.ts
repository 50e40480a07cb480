// RFC 6851 MOVE and UID MOVE (RFC 9051 §6.4.8): the COPYUID goes in an
// untagged OK before the expunges (§4.3), then EXPUNGE or VANISHED for each
// moved message, then the tagged OK.
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { parseSequenceSet } from "../parser/sequence-set.ts";
import { type Command, defineCommand, no, ok, SELECTED } from "./command.ts";
import { copyUid } from "./copy-uid.ts";
import { messagesOf } from "./message-set.ts";
import { refused } from "./refusal.ts";

function moveCommand(byUid: boolean): Command {
  return defineCommand({
    name: byUid ? "UID MOVE" : "MOVE",
    catchUpFirst: byUid,
    states: SELECTED,
    parse(cursor, options) {
      cursor.sp();
      const set = parseSequenceSet(cursor);
      cursor.sp();
      return { set, target: parseMailboxName(cursor, options) };
    },
    async run({ session }, { set, target }) {
      const selected = session.requireSelected;
      if (selected.readOnly) return no("Mailbox is read-only");
      const uids = messagesOf(selected, set, byUid).filter((uid) => !selected.isExpunged(uid));
      if (uids.length === 0) return ok("No messages moved");
      const outcome = await session.backend.copy(session.requirePrincipal, selected.folderId, uids, target, true);
      if (!outcome.ok) return refused(outcome);
      await session.writer.untagged(`OK [${copyUid(outcome.uidValidity, outcome.mapping)}] Moved`);
      const moved = outcome.mapping.map(([source]) => source);
      for (const line of selected.expungeNow(moved, session.flushOptions(true))) await session.writer.untagged(line);
      if (target === selected.name) selected.dirty = true;
      return ok("MOVE completed");
    },
  });
}

export const moveCommandSpec = moveCommand(false);
export const uidMoveCommand = moveCommand(true);
