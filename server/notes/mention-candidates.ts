// Who a note on this conversation may @mention: the enabled members of its
// mailbox (the @ autocomplete; add-note.ts enforces the same set).
import type { AuthorizedConversation } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { type MailboxMember, mailboxMembers } from "../mailboxes/mailbox-members.ts";

export function mentionCandidates(conversation: AuthorizedConversation): Promise<MailboxMember[]> {
  return mailboxMembers(sql, conversation.mailboxId);
}
