// RFC 9051 §6.3.5 DELETE: INBOX cannot be deleted; a mailbox with children
// is the backend's call (NO [INUSE] or \Noselect, §6.3.5). Deleting the
// selected mailbox leaves the session to find out at its next command.
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { AUTHENTICATED, defineCommand, no, ok } from "./command.ts";
import { refused } from "./refusal.ts";

export const deleteCommand = defineCommand({
  name: "DELETE",
  states: AUTHENTICATED,
  parse(cursor, options) {
    cursor.sp();
    return parseMailboxName(cursor, options);
  },
  async run({ session }, name) {
    if (name === "INBOX") return no("INBOX cannot be deleted", "CANNOT");
    const outcome = await session.backend.deleteFolder(session.requirePrincipal, name);
    return outcome.ok ? ok("DELETE completed") : refused(outcome);
  },
});
