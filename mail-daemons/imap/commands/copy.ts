// RFC 9051 §6.4.7 COPY and UID COPY with UIDPLUS's COPYUID (RFC 4315 §3):
// all or nothing; a missing target is NO [TRYCREATE], a full one
// NO [OVERQUOTA] (RFC 9208 §4.3).
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { parseSequenceSet } from "../parser/sequence-set.ts";
import { type Command, defineCommand, ok, SELECTED } from "./command.ts";
import { copyUid } from "./copy-uid.ts";
import { messagesOf } from "./message-set.ts";
import { refused } from "./refusal.ts";

function copyCommand(byUid: boolean): Command {
  return defineCommand({
    name: byUid ? "UID COPY" : "COPY",
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
      const uids = messagesOf(selected, set, byUid).filter((uid) => !selected.isExpunged(uid));
      if (uids.length === 0) return ok("No messages copied");
      const outcome = await session.backend.copy(session.requirePrincipal, selected.folderId, uids, target, false);
      if (!outcome.ok) return refused(outcome);
      if (target === selected.name) selected.dirty = true;
      return ok("COPY completed", copyUid(outcome.uidValidity, outcome.mapping));
    },
  });
}

export const copyCommandSpec = copyCommand(false);
export const uidCopyCommand = copyCommand(true);
