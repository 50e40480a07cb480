// Administration: users (admin-users.ts), members (admin-members.ts),
// domains, mailboxes and quotas, and the operations pages: the queue
// (admin-queue.ts), the audit log (admin-audit.ts) and the server's status
// (admin-status.ts). Each mutation calls one domain function with
// the admin as actor; those functions validate and write the audit event in
// the same transaction as the change.
import { z } from "zod";
import { createMailbox } from "../../mailboxes/create-mailbox.ts";
import { listMailboxes } from "../../mailboxes/list-mailboxes.ts";
import { safeText } from "../../safe-text.ts";
import { quotaInput } from "../quota-input.ts";
import { adminProcedure, router } from "../trpc.ts";
import { adminAuditRouter } from "./admin-audit.ts";
import { adminConnectorsRouter } from "./admin-connectors.ts";
import { domainsRouter } from "./admin-domains.ts";
import { adminMembersRouter } from "./admin-members.ts";
import { adminPop3Router } from "./admin-pop3.ts";
import { adminQueueRouter } from "./admin-queue.ts";
import { adminStatusRouter } from "./admin-status.ts";
import { adminTransfersRouter } from "./admin-transfers.ts";
import { adminUsersRouter } from "./admin-users.ts";

const email = safeText.trim().min(1, "email is required").max(320);

const mailboxesRouter = router({
  list: adminProcedure.query(() => listMailboxes()),
  create: adminProcedure
    .input(
      z.object({
        address: email,
        shared: z.boolean().default(false),
        displayName: safeText.max(200).optional(),
        memberEmails: z.array(email).max(500).default([]),
        quota: quotaInput.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const mailbox = await createMailbox({
        address: input.address,
        kind: input.shared ? "shared" : "personal",
        displayName: input.displayName,
        memberEmails: input.memberEmails,
        quotaBytes: input.quota ?? null,
        actorId: ctx.user.id,
      });
      return { id: mailbox.id, address: mailbox.address, kind: mailbox.kind };
    }),
  pop3: adminPop3Router,
});

export const adminRouter = router({
  users: adminUsersRouter,
  members: adminMembersRouter,
  domains: domainsRouter,
  mailboxes: mailboxesRouter,
  transfers: adminTransfersRouter,
  connectors: adminConnectorsRouter,
  queue: adminQueueRouter,
  audit: adminAuditRouter,
  status: adminStatusRouter,
});
