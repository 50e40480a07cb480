// What the workflow bar of one conversation shows: its state, and who may be
// assigned (the enabled members of the conversation's mailbox).
import type { AuthorizedConversation } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { type MailboxMember, mailboxMembers } from "../mailboxes/mailbox-members.ts";
import { notFound } from "./workflow-conflict.ts";
import { readWorkflowState, type WorkflowState } from "./workflow-state.ts";

export async function workflowView(
  conversation: AuthorizedConversation,
): Promise<{ state: WorkflowState; members: MailboxMember[] }> {
  const [state, members] = await Promise.all([
    readWorkflowState(sql, conversation.conversationId),
    mailboxMembers(sql, conversation.mailboxId),
  ]);
  if (!state) throw notFound();
  return { state, members };
}
