// Which literals the server accepts (RFC 9051 §4.3, RFC 7888), decided
// before a continuation is sent or a byte of the literal is kept:
// - before login, only LOGIN's small literals (limits.ts explains why);
//   anything else is BAD without a continuation;
// - APPEND up to APPENDLIMIT, beyond it NO [TOOBIG] (RFC 7889 §4);
// - any other argument up to MAX_ARGUMENT_LITERAL_BYTES.

import { APPEND_LIMIT_BYTES, MAX_ARGUMENT_LITERAL_BYTES, MAX_PREAUTH_LITERAL_BYTES } from "./limits.ts";
import type { LiteralPolicy } from "./parser/command-framer.ts";
import type { Session } from "./session/session.ts";

export function literalPolicy(session: Session): LiteralPolicy {
  return (request) => {
    if (session.state === "not-authenticated") {
      if (request.command === "LOGIN" && request.index < 2 && request.size <= MAX_PREAUTH_LITERAL_BYTES)
        return { accept: true };
      return { accept: false, status: "BAD", code: null, text: "Literals are not accepted before login" };
    }
    if (request.command === "APPEND") {
      if (request.size <= APPEND_LIMIT_BYTES) return { accept: true };
      return {
        accept: false,
        status: "NO",
        code: "TOOBIG",
        text: `Message larger than APPENDLIMIT ${APPEND_LIMIT_BYTES}`,
      };
    }
    if (request.size <= MAX_ARGUMENT_LITERAL_BYTES) return { accept: true };
    return { accept: false, status: "BAD", code: "LIMIT", text: "Literal too large" };
  };
}
