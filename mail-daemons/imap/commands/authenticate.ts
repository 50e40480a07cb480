// RFC 9051 §6.2.2 AUTHENTICATE with PLAIN (RFC 4616) and LOGIN, and the
// initial response of SASL-IR (RFC 4959): "=" is an empty one. "*" from
// the client cancels the exchange (BAD).

import { IMAP_MAX_SASL_LINE_BYTES } from "../../../server/limits.ts";
import { loginAllowed } from "../capabilities.ts";
import { ParseError } from "../parser/parse-error.ts";
import { completeLogin } from "../session/complete-login.ts";
import { bad, type CommandContext, defineCommand, NOT_AUTHENTICATED, no } from "./command.ts";

const MECHANISMS = ["PLAIN", "LOGIN"];

export const authenticateCommand = defineCommand({
  name: "AUTHENTICATE",
  states: NOT_AUTHENTICATED,
  parse(cursor) {
    cursor.sp();
    const mechanism = cursor.atom().toUpperCase();
    let initial: string | null = null;
    if (cursor.trySp()) initial = cursor.run((byte) => isBase64Char(byte) || byte === 0x3d, "initial response");
    if (initial !== null && initial !== "=" && !isBase64(initial)) throw new ParseError("Bad initial response");
    return { mechanism, initial };
  },
  async run(context, { mechanism, initial }) {
    if (!MECHANISMS.includes(mechanism)) return no(`Unsupported mechanism ${mechanism}`, "CANNOT");
    if (!loginAllowed(context.session, context.server))
      return no("Authentication requires TLS (use STARTTLS)", "PRIVACYREQUIRED");
    const decode = (text: string) => (text === "=" ? "" : Buffer.from(text, "base64").toString("utf8"));
    if (mechanism === "PLAIN") {
      const response = initial ?? (await challenge(context, ""));
      if (response === null) return bad("Authentication cancelled");
      // RFC 4616 §2: [authzid] NUL authcid NUL passwd; acting as someone else is not offered.
      const [authzid = "", authcid = "", password = "", ...rest] = decode(response).split("\0");
      if (rest.length > 0 || !authcid) return bad("Malformed PLAIN response");
      if (authzid && authzid !== authcid) return no("Authorization identity not permitted", "AUTHORIZATIONFAILED");
      return completeLogin(context, authcid, password);
    }
    const username = initial ?? (await challenge(context, "VXNlcm5hbWU6"));
    if (username === null) return bad("Authentication cancelled");
    const password = await challenge(context, "UGFzc3dvcmQ6");
    if (password === null) return bad("Authentication cancelled");
    return completeLogin(context, decode(username), decode(password));
  },
});

/** One "+ challenge" and the client's base64 answer; null when cancelled or malformed. */
async function challenge(context: CommandContext, text: string): Promise<string | null> {
  await context.session.writer.write(`+ ${text}\r\n`);
  const line = await context.connection.readLine(IMAP_MAX_SASL_LINE_BYTES);
  if (line === null || line === "too-long") return null;
  const answer = line.toString("latin1").trim();
  if (answer === "*" || !isBase64(answer)) return null;
  return answer === "" ? "=" : answer;
}

function isBase64Char(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2b ||
    byte === 0x2f
  );
}

function isBase64(text: string): boolean {
  return text === "=" || /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text);
}
