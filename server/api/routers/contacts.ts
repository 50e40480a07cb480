// The customer beside a conversation.
import { customerPanel } from "../../contacts/customer-panel.ts";
import { conversationProcedure, router } from "../trpc.ts";

export const contactsRouter = router({
  /** The contact and their other conversations in mailboxes the caller works in. */
  customer: conversationProcedure.query(({ ctx }) =>
    customerPanel({ userId: ctx.user.id, conversation: ctx.conversation }),
  ),
});
