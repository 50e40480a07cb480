// Administration: users, domains, mailboxes and quotas. Each mutation calls
// one domain function with the admin as actor; those functions validate and
// write the audit event in the same transaction as the change.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { loginAttackSummary } from "../../auth/login-attacks.ts";
import { addDomain } from "../../domains/add-domain.ts";
import { listDomainsWithRecords } from "../../domains/list-domains-with-records.ts";
import { loadEnv } from "../../env.ts";
import { createMailbox } from "../../mailboxes/create-mailbox.ts";
import { listMailboxes } from "../../mailboxes/list-mailboxes.ts";
import { setQuota } from "../../mailboxes/set-quota.ts";
import { createUser } from "../../users/create-user.ts";
import { endSessions } from "../../users/end-sessions.ts";
import { listUsers } from "../../users/list-users.ts";
import { setUserDisabled } from "../../users/set-disabled.ts";
import { quotaInput } from "../quota-input.ts";
import { safeText } from "../safe-text.ts";
import { adminProcedure, router } from "../trpc.ts";
import { adminPop3Router } from "./admin-pop3.ts";

const email = safeText.trim().min(1, "email is required").max(320);

const usersRouter = router({
  list: adminProcedure.query(() => listUsers()),
  create: adminProcedure
    .input(
      z.object({
        email,
        name: safeText.max(200).optional(),
        password: z.string().min(1, "password is required"),
        admin: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { user, mailbox } = await createUser({
        email: input.email,
        name: input.name,
        password: input.password,
        role: input.admin ? "admin" : "agent",
        actorId: ctx.user.id,
      });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        personalMailbox: mailbox?.address ?? null,
      };
    }),
  /** Disables (ending every session at once) or enables a user. */
  setDisabled: adminProcedure
    .input(z.object({ userId: id, disabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setUserDisabled({ user: { id: input.userId }, disabled: input.disabled, actorId: ctx.user.id, ip: ctx.ip }),
    ),
  /** Signs a user out everywhere. */
  endSessions: adminProcedure
    .input(z.object({ userId: id }))
    .mutation(({ ctx, input }) => endSessions({ user: { id: input.userId }, actorId: ctx.user.id, ip: ctx.ip })),
  /** Logins and addresses under a password-guessing attack now. */
  loginAttacks: adminProcedure.query(() => loginAttackSummary()),
});

const domainsRouter = router({
  list: adminProcedure.query(() => listDomainsWithRecords(loadEnv().YUBIN_HOSTNAME)),
  add: adminProcedure
    .input(z.object({ name: safeText.trim().min(1, "domain name is required").max(253) }))
    .mutation(async ({ ctx, input }) => {
      const domain = await addDomain({ name: input.name, actorId: ctx.user.id });
      return { id: domain.id, name: domain.name };
    }),
});

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
  setQuota: adminProcedure.input(z.object({ address: email, quota: quotaInput })).mutation(async ({ ctx, input }) => {
    const mailbox = await setQuota({ address: input.address, quotaBytes: input.quota ?? null, actorId: ctx.user.id });
    return { address: mailbox.address, quotaBytes: mailbox.quotaBytes === null ? null : Number(mailbox.quotaBytes) };
  }),
  pop3: adminPop3Router,
});

export const adminRouter = router({ users: usersRouter, domains: domainsRouter, mailboxes: mailboxesRouter });
