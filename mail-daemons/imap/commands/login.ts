// RFC 9051 §6.2.3 LOGIN: refused without TLS unless the peer is on loopback
// and the operator allows it (LOGINDISABLED is then advertised, §11.1).
import { loginAllowed } from "../capabilities.ts";
import { completeLogin } from "../session/complete-login.ts";
import { defineCommand, NOT_AUTHENTICATED, no } from "./command.ts";

export const loginCommand = defineCommand({
  name: "LOGIN",
  states: NOT_AUTHENTICATED,
  parse(cursor) {
    cursor.sp();
    const username = cursor.astring().toString("utf8");
    cursor.sp();
    const password = cursor.astring().toString("utf8");
    return { username, password };
  },
  async run(context, { username, password }) {
    if (!loginAllowed(context.session, context.server))
      return no("LOGIN requires TLS (use STARTTLS)", "PRIVACYREQUIRED");
    return completeLogin(context, username, password);
  },
});
