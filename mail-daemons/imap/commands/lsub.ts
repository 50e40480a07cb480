// RFC 3501 §6.3.9 LSUB (deprecated by IMAP4rev2, still used by rev1
// clients): subscribed mailboxes matching the pattern; a level that "%"
// stops at above a subscribed mailbox is listed \Noselect.
import { listRegExp } from "../list/list-pattern.ts";
import { mailboxTree } from "../list/mailbox-tree.ts";
import { listMailbox } from "../parser/list-arguments.ts";
import { decodeMailboxName } from "../parser/mailbox-name.ts";
import { encodeAstring } from "../response/encode.ts";
import { encodeMailboxName } from "../response/mailbox-name.ts";
import { AUTHENTICATED, defineCommand, ok } from "./command.ts";

export const lsubCommand = defineCommand({
  name: "LSUB",
  states: AUTHENTICATED,
  parse(cursor, options) {
    cursor.sp();
    const reference = decodeMailboxName(cursor.astring(), options);
    cursor.sp();
    return { reference, pattern: decodeMailboxName(listMailbox(cursor), options) };
  },
  async run({ session }, { reference, pattern }) {
    const matcher = listRegExp(reference, pattern);
    const folders = await session.backend.listFolders(session.requirePrincipal);
    for (const entry of mailboxTree(folders)) {
      if (!matcher.test(entry.name)) continue;
      const noselect = !entry.subscribed && entry.subscribedDescendant && pattern.endsWith("%");
      if (!entry.subscribed && !noselect) continue;
      const name = encodeAstring(encodeMailboxName(entry.name, session.utf8), session).toString("utf8");
      await session.writer.untagged(`LSUB (${noselect ? "\\Noselect" : ""}) "/" ${name}`);
    }
    return ok("LSUB completed");
  },
});
