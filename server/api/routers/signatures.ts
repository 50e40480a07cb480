// Signatures: the caller's own, and (admins) each mailbox's.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { MAX_SIGNATURE_CHARS } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import {
  mailboxSignatures,
  setMailboxSignature,
  setUserSignature,
  userSignature,
} from "../../signatures/signatures.ts";
import { adminProcedure, protectedProcedure, router } from "../trpc.ts";

const signature = safeText.max(MAX_SIGNATURE_CHARS, `a signature has at most ${MAX_SIGNATURE_CHARS} characters`);

export const signaturesRouter = router({
  mine: protectedProcedure.query(({ ctx }) => userSignature(ctx.user.id)),
  setMine: protectedProcedure
    .input(z.object({ signature }))
    .mutation(({ ctx, input }) => setUserSignature({ userId: ctx.user.id, signature: input.signature })),
  mailboxes: adminProcedure.query(() => mailboxSignatures()),
  setMailbox: adminProcedure
    .input(z.object({ mailboxId: id, signature }))
    .mutation(({ ctx, input }) =>
      setMailboxSignature({ actorId: ctx.user.id, mailboxId: input.mailboxId, signature: input.signature }),
    ),
});
