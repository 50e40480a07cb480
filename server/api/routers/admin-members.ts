// Who works in a shared mailbox (admin.members): add members with their
// approval roles (確認者), remove others. Admin-only; one domain function
// (server/mailboxes/change-members.ts) validates, audits and tells the
// removed members' live streams.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { approvalMembers } from "../../approval/approval-members.ts";
import { changeMembers } from "../../mailboxes/change-members.ts";
import { safeText } from "../../safe-text.ts";
import { adminProcedure, router } from "../trpc.ts";

const email = safeText.trim().min(1, "email is required").max(320);

export const adminMembersRouter = router({
  /** The mailbox's direct members with their approval roles. */
  list: adminProcedure.input(z.object({ mailboxId: id })).query(({ input }) => approvalMembers(input.mailboxId)),
  change: adminProcedure
    .input(
      z.object({
        mailboxId: id,
        add: z
          .array(z.object({ email, needsApproval: z.boolean().default(false), reviewer: z.boolean().default(false) }))
          .max(500)
          .default([]),
        remove: z.array(email).max(500).default([]),
      }),
    )
    .mutation(({ ctx, input }) =>
      changeMembers({
        mailbox: { id: input.mailboxId },
        add: input.add,
        remove: input.remove,
        actorId: ctx.user.id,
        ip: ctx.ip,
      }),
    ),
});
