import { mailboxSummary } from "../../mailboxes/mailbox-summary.ts";
import { mailboxProcedure, router } from "../trpc.ts";

export const mailboxRouter = router({
  /** A mailbox the caller is a member of; NOT_FOUND for any other id. */
  get: mailboxProcedure.query(({ ctx }) => mailboxSummary(ctx.mailboxId)),
});
