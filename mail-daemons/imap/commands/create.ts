// RFC 9051 §6.3.4 CREATE: a trailing delimiter only says the client means
// to create children under it, so it is dropped; creating INBOX, or a name
// that exists, is NO [ALREADYEXISTS] (RFC 5530).
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { ParseError } from "../parser/parse-error.ts";
import { AUTHENTICATED, defineCommand, no, ok } from "./command.ts";
import { refused } from "./refusal.ts";

export const createCommand = defineCommand({
  name: "CREATE",
  states: AUTHENTICATED,
  parse(cursor, options) {
    cursor.sp();
    const name = parseMailboxName(cursor, options).replace(/\/+$/, "");
    if (!name || name.split("/").some((level) => level === "")) throw new ParseError("Bad mailbox name");
    return name;
  },
  async run({ session }, name) {
    if (name === "INBOX") return no("INBOX always exists", "ALREADYEXISTS");
    const outcome = await session.backend.createFolder(session.requirePrincipal, name);
    return outcome.ok ? ok("CREATE completed") : refused(outcome);
  },
});
