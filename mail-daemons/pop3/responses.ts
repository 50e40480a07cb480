// Status lines (RFC 1939 §3) with the extended response codes of RFC 2449 §8
// and RFC 3206. Codes go in square brackets right after "-ERR ", and are
// only ever sent in -ERR lines, so that clients which predate RESP-CODES
// simply show the text.

export type ResponseCode =
  /** RFC 3206 §5: the credentials were wrong (or authentication is not possible as tried). */
  | "AUTH"
  /** RFC 3206 §4: a temporary failure; the same command may work later. */
  | "SYS/TEMP"
  /** RFC 3206 §4: a permanent failure; retrying will not help. */
  | "SYS/PERM"
  /** RFC 2449 §8.1.1: authenticated, but the maildrop is in use by another session. */
  | "IN-USE"
  /** RFC 2449 §8.1.2: logged in too recently; the LOGIN-DELAY interval has not passed. */
  | "LOGIN-DELAY";

export function ok(text: string): string {
  return text ? `+OK ${text}\r\n` : "+OK\r\n";
}

export function err(text: string, code?: ResponseCode): string {
  return code ? `-ERR [${code}] ${text}\r\n` : `-ERR ${text}\r\n`;
}
