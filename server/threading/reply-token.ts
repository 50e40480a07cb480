// Yubin's own Message-IDs carry the conversation they belong to, so a reply
// threads back even when the customer's client drops the subject token:
//   <yb.c123.k9f3…@hostname>
import { randomBytes } from "node:crypto";

const TOKEN = /^yb\.c(\d{1,12})\.[a-z0-9]+@/i;

export function outboundMessageId(conversationId: number, hostname: string): string {
  return `yb.c${conversationId}.${randomBytes(9)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")}@${hostname}`;
}

/** Conversation ids named by Yubin Message-IDs among the given references (no angle brackets). */
export function conversationIdsFromReferences(ids: string[]): number[] {
  const found: number[] = [];
  for (const id of ids) {
    const m = TOKEN.exec(id);
    if (m) found.push(Number(m[1]));
  }
  return found;
}
