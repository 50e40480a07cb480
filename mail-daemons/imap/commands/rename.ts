// RFC 9051 §6.3.6 RENAME: children move with their parent; renaming INBOX
// moves its messages into a new mailbox and leaves INBOX empty (the backend
// does both).
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { ParseError } from "../parser/parse-error.ts";
import { AUTHENTICATED, defineCommand, no, ok } from "./command.ts";
import { refused } from "./refusal.ts";

export const renameCommand = defineCommand({
  name: "RENAME",
  states: AUTHENTICATED,
  parse(cursor, options) {
    cursor.sp();
    const from = parseMailboxName(cursor, options);
    cursor.sp();
    const to = parseMailboxName(cursor, options).replace(/\/+$/, "");
    if (!to || to.split("/").some((level) => level === "")) throw new ParseError("Bad mailbox name");
    return { from, to };
  },
  async run({ session }, { from, to }) {
    if (to === "INBOX") return no("INBOX already exists", "ALREADYEXISTS");
    const outcome = await session.backend.renameFolder(session.requirePrincipal, from, to);
    if (!outcome.ok) return refused(outcome);
    if (session.selected?.name === from) session.selected.name = to;
    return ok("RENAME completed");
  },
});
