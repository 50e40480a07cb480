// Mailbox names in responses: modified UTF-7 for IMAP4rev1 clients (RFC 3501
// §5.1.3), UTF-8 once enabled (RFC 6855 §3, RFC 9051 §5.1).
import { encodeModifiedUtf7 } from "../parser/modified-utf7.ts";

export function encodeMailboxName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeModifiedUtf7(name);
}
