// The POP3 deletion policy of a mailbox in the admin panel (issue 12): what a
// POP3 client's DELE does there, keep (hidden from that login only) or delete
// (expunged for everyone). Admin tier: the same domain function as
// `yubin mailbox pop3`, audited with the admin as actor.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { listPop3Policies, POP3_ON_DELETE, setPop3OnDelete } from "../../mailboxes/pop3-policy.ts";
import { adminProcedure, router } from "../trpc.ts";

export const adminPop3Router = router({
  /** The policy of every mailbox, by id. */
  policies: adminProcedure.query(() => listPop3Policies()),
  set: adminProcedure
    .input(z.object({ mailboxId: id, onDelete: z.enum(POP3_ON_DELETE) }))
    .mutation(async ({ ctx, input }) => {
      const mailbox = await setPop3OnDelete({
        mailboxId: input.mailboxId,
        onDelete: input.onDelete,
        actorId: ctx.user.id,
        ip: ctx.ip,
      });
      return { mailboxId: mailbox.id, onDelete: mailbox.onDelete };
    }),
});
