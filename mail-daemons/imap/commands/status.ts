// RFC 9051 §6.3.11 STATUS: the counters of a mailbox without selecting it.
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { parseStatusItems } from "../parser/status-items.ts";
import { statusResponse } from "../session/status-response.ts";
import { AUTHENTICATED, defineCommand, no, ok } from "./command.ts";

export const statusCommand = defineCommand({
  name: "STATUS",
  states: AUTHENTICATED,
  parse(cursor, options) {
    cursor.sp();
    const mailbox = parseMailboxName(cursor, options);
    cursor.sp();
    return { mailbox, items: parseStatusItems(cursor) };
  },
  async run({ session }, { mailbox, items }) {
    const line = await statusResponse(session, mailbox, items);
    if (!line) return no("No such mailbox", "NONEXISTENT");
    await session.writer.untagged(line);
    return ok("STATUS completed");
  },
});
