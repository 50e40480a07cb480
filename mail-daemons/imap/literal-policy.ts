// Which literals the server accepts (RFC 9051 §4.3, RFC 7888), decided
// before a continuation is sent or a byte of the literal is kept:
// - before login, only LOGIN's small literals (server/limits.ts explains why);
//   anything else is BAD without a continuation;
// - APPEND up to APPENDLIMIT, beyond it NO [TOOBIG] (RFC 7889 §4);
// - any other argument up to IMAP_MAX_ARGUMENT_LITERAL_BYTES.

import {
  IMAP_APPEND_LIMIT_BYTES,
  IMAP_MAX_ARGUMENT_LITERAL_BYTES,
  IMAP_MAX_PREAUTH_LITERAL_BYTES,
} from "../../server/limits.ts";
import type { LiteralPolicy } from "./parser/command-framer.ts";
import type { Session } from "./session/session.ts";

export function literalPolicy(session: Session): LiteralPolicy {
  return (request) => {
    if (session.state === "not-authenticated") {
      if (request.command === "LOGIN" && request.index < 2 && request.size <= IMAP_MAX_PREAUTH_LITERAL_BYTES)
        return { accept: true };
      return { accept: false, status: "BAD", code: null, text: "Literals are not accepted before login" };
    }
    if (request.command === "APPEND") {
      if (request.size <= IMAP_APPEND_LIMIT_BYTES) return { accept: true };
      return {
        accept: false,
        status: "NO",
        code: "TOOBIG",
        text: `Message larger than APPENDLIMIT ${IMAP_APPEND_LIMIT_BYTES}`,
      };
    }
    if (request.size <= IMAP_MAX_ARGUMENT_LITERAL_BYTES) return { accept: true };
    return { accept: false, status: "BAD", code: "LIMIT", text: "Literal too large" };
  };
}
