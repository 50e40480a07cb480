// "Not spam" and "Block sender" on one conversation: the status change goes through
// change-status.ts (audited, announced, with the status the actor saw), the list change
// through sender-rules.ts. Any door may call these with a conversation the gate authorized:
// the web's conversation page, and an IMAP client moving a message out of Junk later.
import type { AuthorizedConversation } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { changeStatus } from "../workflow/change-status.ts";
import type { WorkflowState } from "../workflow/workflow-state.ts";
import { normalizeSenderPattern, type SenderRule, setSenderRule } from "./sender-rules.ts";

/** The customer's address of the conversation (its contact), or null when it has none. */
async function senderOf(conversation: AuthorizedConversation): Promise<string | null> {
  const [row] = await sql.$queryRaw<{ email: string | null }[]>`
    select ct.email from "Conversation" c left join "Contact" ct on ct.id = c."contactId"
    where c.id = ${conversation.conversationId}::int`;
  return row?.email ?? null;
}

/** Moves a Spam conversation back to Open; with rememberSender, its sender's address goes on the allowed list. */
export async function markNotSpam(input: {
  actorId: number;
  conversation: AuthorizedConversation;
  rememberSender: boolean;
  ip?: string | null;
}): Promise<{ state: WorkflowState; allowed: SenderRule | null }> {
  const state = await changeStatus({
    actorId: input.actorId,
    conversation: input.conversation,
    status: "open",
    expected: "spam",
    ip: input.ip,
  });
  let allowed: SenderRule | null = null;
  if (input.rememberSender) {
    const sender = await senderOf(input.conversation);
    if (sender) {
      allowed = await setSenderRule({
        mailboxId: input.conversation.mailboxId,
        pattern: sender,
        kind: "allow",
        actorId: input.actorId,
        ip: input.ip,
      });
    }
  }
  return { state, allowed };
}

/**
 * Blocks the conversation's sender in its mailbox — the address, or its whole domain — so
 * that their future mail is stored as spam, and moves this conversation to Spam.
 */
export async function blockSender(input: {
  actorId: number;
  conversation: AuthorizedConversation;
  scope: "address" | "domain";
  ip?: string | null;
}): Promise<{ blocked: SenderRule; state: WorkflowState }> {
  const sender = await senderOf(input.conversation);
  if (!sender) throw new InputError("This conversation has no sender address to block.");
  const address = normalizeSenderPattern(sender);
  const pattern = input.scope === "domain" ? address.slice(address.lastIndexOf("@") + 1) : address;
  const blocked = await setSenderRule({
    mailboxId: input.conversation.mailboxId,
    pattern,
    kind: "block",
    actorId: input.actorId,
    ip: input.ip,
  });
  const state = await changeStatus({
    actorId: input.actorId,
    conversation: input.conversation,
    status: "spam",
    ip: input.ip,
  });
  return { blocked, state };
}
