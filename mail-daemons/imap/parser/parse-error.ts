/**
 * A command that does not match its grammar. The dispatcher answers it with a
 * tagged BAD (RFC 9051 §7.1.5) — or NO with a response code where an RFC asks
 * for one, such as `NO [BADCHARSET]` for an unknown SEARCH charset (§6.4.4).
 */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly status: "BAD" | "NO" = "BAD",
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "ParseError";
  }
}
