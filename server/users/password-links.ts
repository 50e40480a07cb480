// One-time links to set a password: an invitation (the user is created
// without a password and chooses one) or a reset an admin hands over. Only
// the SHA-256 of the token is stored, so the table cannot be replayed from a
// backup; a link works once, until it expires, and a newer link of the same
// user replaces any older one. The token travels in the URL's fragment
// (/set-password#TOKEN), which browsers never send to a server or a proxy log.
import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../audit/record-audit.ts";
import { hashPassword, passwordProblem } from "../auth/passwords.ts";
import type { Prisma } from "../db.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { INVITE_LINK_LIFETIME_MS, RESET_LINK_LIFETIME_MS } from "../limits.ts";
import { normalizeAddress } from "../mailboxes/address.ts";
import { createAccountTx } from "./create-user.ts";
import { nameProblem } from "./edit-user.ts";
import { endSessionsTx } from "./end-sessions.ts";
import { ADMIN_TRANSACTION, lockUserTx, type UserRef } from "./find-user.ts";

type Tx = Prisma.TransactionClient;
type Purpose = "invite" | "reset";

export const LINK_INVALID =
  "This link is not valid any more: it was used, replaced or has expired. Ask an admin for a new one.";

/** The path of the page a token opens (the admin's browser or the CLI puts its origin in front). */
export function passwordLinkPath(token: string): string {
  return `/set-password#${token}`;
}

function tokenHash(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

async function issueLinkTx(
  tx: Tx,
  userId: number,
  purpose: Purpose,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  // Any older unused link stops working: only the newest one handed over counts.
  await tx.passwordLink.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(now.getTime() + (purpose === "invite" ? INVITE_LINK_LIFETIME_MS : RESET_LINK_LIFETIME_MS));
  await tx.passwordLink.create({ data: { userId, purpose, tokenHash: tokenHash(token), expiresAt, createdAt: now } });
  return { token, expiresAt };
}

/**
 * Invites a user: created without a password (nobody can sign in as them)
 * and with a personal mailbox on a local domain, as `user add` does.
 */
export async function inviteUser(input: {
  email: string;
  name?: string;
  role?: "admin" | "agent";
  actorId: number | null;
  ip?: string | null;
  now?: Date;
}) {
  const now = input.now ?? new Date();
  const { address: email, localPart, domain } = normalizeAddress(input.email);
  const name = input.name?.trim() || localPart;
  const problem = nameProblem(name);
  if (problem) throw new InputError(problem);
  return db().$transaction(async (tx) => {
    const { user, mailbox } = await createAccountTx(tx, {
      email,
      domain,
      name,
      role: input.role ?? "agent",
      passwordHash: "",
      actorId: input.actorId,
    });
    const link = await issueLinkTx(tx, user.id, "invite", now);
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.invite",
        subjectType: "user",
        subjectId: user.id,
        after: { email, role: user.role },
        ip: input.ip,
      },
      tx,
    );
    return { user: { id: user.id, email, name, role: user.role }, mailbox: mailbox?.address ?? null, ...link };
  }, ADMIN_TRANSACTION);
}

/** A reset link for an existing user; their password keeps working until the link is used. */
export async function issueResetLink(input: { user: UserRef; actorId: number | null; ip?: string | null; now?: Date }) {
  const now = input.now ?? new Date();
  return db().$transaction(async (tx) => {
    const user = await lockUserTx(tx, input.user);
    const link = await issueLinkTx(tx, user.id, user.passwordHash ? "reset" : "invite", now);
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.reset_link",
        subjectType: "user",
        subjectId: user.id,
        after: { email: user.email },
        ip: input.ip,
      },
      tx,
    );
    return { email: user.email, ...link };
  }, ADMIN_TRANSACTION);
}

/** What a link is for, for the page that opens it; null when it does not work (any reason alike). */
export async function peekPasswordLink(
  token: string,
  now = new Date(),
): Promise<{ email: string; purpose: Purpose } | null> {
  if (!token || token.length > 100) return null;
  const link = await db().passwordLink.findUnique({
    where: { tokenHash: tokenHash(token) },
    select: { purpose: true, usedAt: true, expiresAt: true, user: { select: { email: true, disabled: true } } },
  });
  if (!link || link.usedAt || link.expiresAt <= now || link.user.disabled) return null;
  return { email: link.user.email, purpose: link.purpose };
}

/** Sets the password through a link, once; every session of the user ends. */
export async function redeemPasswordLink(input: { token: string; password: string; ip?: string | null; now?: Date }) {
  const now = input.now ?? new Date();
  const problem = passwordProblem(input.password);
  if (problem) throw new InputError(problem);
  if (!input.token || input.token.length > 100) throw new InputError(LINK_INVALID);
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    // Used up in the same statement that checks it, so two tabs cannot both redeem it.
    const [link] = await tx.$queryRaw<{ id: number; userId: number; purpose: Purpose }[]>`
      update "PasswordLink" l set "usedAt" = ${now}
      from "User" u
      where l."tokenHash" = ${tokenHash(input.token)} and l."usedAt" is null and l."expiresAt" > ${now}
        and u.id = l."userId" and not u.disabled
      returning l.id, l."userId", l.purpose::text as purpose`;
    if (!link) throw new InputError(LINK_INVALID);
    const user = await tx.user.update({
      where: { id: link.userId },
      data: { passwordHash },
      select: { id: true, email: true },
    });
    await endSessionsTx(tx, user.id);
    await recordAudit(
      {
        actorId: user.id,
        action: link.purpose === "invite" ? "user.accept_invite" : "user.reset_password_by_link",
        subjectType: "user",
        subjectId: user.id,
        after: { email: user.email },
        ip: input.ip,
      },
      tx,
    );
    return { email: user.email };
  }, ADMIN_TRANSACTION);
}
