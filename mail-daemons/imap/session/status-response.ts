// The "* STATUS name (...)" response (RFC 9051 §7.3.4), for STATUS and for
// LIST's RETURN (STATUS) (RFC 5819 §2).
import { IMAP_APPEND_LIMIT_BYTES } from "../../../server/limits.ts";
import type { StatusItem } from "../parser/status-items.ts";
import { encodeAstring } from "../response/encode.ts";
import { encodeMailboxName } from "../response/mailbox-name.ts";
import type { Session } from "./session.ts";

export async function statusResponse(
  session: Session,
  name: string,
  items: readonly StatusItem[],
): Promise<string | null> {
  const status = await session.backend.folderStatus(session.requirePrincipal, name);
  if (!status) return null;
  // RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) is a CONDSTORE-enabling command.
  if (items.includes("HIGHESTMODSEQ")) session.condstore = true;
  const values: Record<StatusItem, number> = {
    MESSAGES: status.messages,
    UIDNEXT: status.uidNext,
    UIDVALIDITY: status.uidValidity,
    UNSEEN: status.unseen,
    DELETED: status.deleted,
    SIZE: status.size,
    // RFC 3501 §6.3.10: messages the next read-write SELECT will find \Recent (server/mail-folders/claim-recent.ts).
    RECENT: status.recent,
    HIGHESTMODSEQ: status.highestModseq,
    APPENDLIMIT: IMAP_APPEND_LIMIT_BYTES,
  };
  const pairs = items.map((item) => `${item} ${values[item]}`).join(" ");
  return `STATUS ${encodeAstring(encodeMailboxName(name, session.utf8), session).toString("utf8")} (${pairs})`;
}
