// RFC 9051 §6.3.7 SUBSCRIBE and §6.3.8 UNSUBSCRIBE.
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { AUTHENTICATED, type Command, defineCommand, ok } from "./command.ts";
import { refused } from "./refusal.ts";

function subscription(name: "SUBSCRIBE" | "UNSUBSCRIBE"): Command {
  return defineCommand({
    name,
    states: AUTHENTICATED,
    parse(cursor, options) {
      cursor.sp();
      return parseMailboxName(cursor, options);
    },
    async run({ session }, mailbox) {
      const outcome = await session.backend.setSubscribed(session.requirePrincipal, mailbox, name === "SUBSCRIBE");
      return outcome.ok ? ok(`${name} completed`) : refused(outcome);
    },
  });
}

export const subscribeCommand = subscription("SUBSCRIBE");
export const unsubscribeCommand = subscription("UNSUBSCRIBE");
