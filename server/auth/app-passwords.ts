// App passwords (DESIGN.md "Protocol logins use the user's email and password
// or an app password"): generated secrets for mail clients, one per device or
// purpose, each revocable on its own, optionally scoped to one mailbox (e.g.
// POP3 or submission as support@example.com). Only an argon2id hash is kept,
// with the same parameters as user passwords (passwords.ts); creation and
// revocation are audited, every successful login sets lastUsedAt.
//
// The secret is 16 random lowercase letters, shown once as four groups
// ("abcd-efgh-ijkl-mnop"; clients may send it with or without the dashes or
// spaces). Its first group doubles as a non-secret lookup prefix, stored in
// front of the hash ("abcd:$argon2id$…"), so that a login verifies exactly
// the one hash it can match, however many app passwords a user has: argon2
// is deliberately slow, and a login must cost one verification, not one per
// app password. The other 12 letters (26^12 ≈ 2^56) stay behind argon2id.
import { randomInt } from "node:crypto";
import { authorizeMailbox } from "../access/gate.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_ACTIVE_APP_PASSWORDS, MAX_APP_PASSWORD_LABEL } from "../limits.ts";
import { hashPassword } from "./passwords.ts";

const GROUPS = 4;
const GROUP_LENGTH = 4;
const SECRET_LENGTH = GROUPS * GROUP_LENGTH;

export interface AppPasswordInfo {
  id: number;
  label: string;
  userEmail: string;
  /** The mailbox it is scoped to (its address is the login name), or null for the user's own login. */
  mailboxAddress: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * The secret in canonical form (16 lowercase letters) when `password` is
 * shaped like an app password — case, dashes and spaces are forgiven — else null.
 */
export function canonicalAppPassword(password: string): string | null {
  if (password.length > 64) return null;
  const letters = password.replace(/[\s-]/g, "").toLowerCase();
  return /^[a-z]+$/.test(letters) && letters.length === SECRET_LENGTH ? letters : null;
}

/** The non-secret part stored beside the hash: the first group. */
export function lookupPrefix(canonical: string): string {
  return canonical.slice(0, GROUP_LENGTH);
}

/** "prefix:$argon2id$…" → the PHC string, or null when the stored value is not of that form. */
export function storedHashParts(stored: string): { prefix: string; hash: string } | null {
  const colon = stored.indexOf(":");
  return colon === GROUP_LENGTH ? { prefix: stored.slice(0, colon), hash: stored.slice(colon + 1) } : null;
}

function generateSecret(): string {
  let secret = "";
  for (let i = 0; i < SECRET_LENGTH; i++) secret += String.fromCharCode(97 + randomInt(26));
  return secret;
}

function display(canonical: string): string {
  return canonical.match(new RegExp(`.{${GROUP_LENGTH}}`, "g"))?.join("-") ?? canonical;
}

export interface CreateAppPasswordInput {
  userEmail: string;
  /** Scope: this mailbox only; the login name becomes its address. */
  mailboxAddress?: string | null;
  /**
   * Scope by id, as the web app asks: a mailbox that does not exist and one
   * the user is not a member of both answer "No such mailbox." (not_found).
   */
  mailboxId?: number | null;
  label?: string | null;
  actorId: number | null;
  ip?: string | null;
}

/** Creates an app password and returns its secret — the only time it is ever shown. */
export async function createAppPassword(
  input: CreateAppPasswordInput,
): Promise<{ info: AppPasswordInfo; secret: string; login: string }> {
  const email = input.userEmail.trim().toLowerCase();
  const user = await db().user.findUnique({ where: { email }, select: { id: true, email: true, disabled: true } });
  if (!user) throw new InputError(`no user ${email}`, "not_found");
  if (user.disabled) throw new InputError(`user ${email} is disabled`);
  let mailbox: { id: number; address: string } | null = null;
  if (input.mailboxId != null) {
    const granted = await authorizeMailbox({ userId: user.id, mailboxId: input.mailboxId });
    mailbox = granted
      ? await db().mailbox.findUnique({ where: { id: granted }, select: { id: true, address: true } })
      : null;
    if (!mailbox) throw new InputError("No such mailbox.", "not_found");
  } else if (input.mailboxAddress) {
    const address = input.mailboxAddress.trim().toLowerCase();
    mailbox = await db().mailbox.findUnique({ where: { address }, select: { id: true, address: true } });
    if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
    if (!(await authorizeMailbox({ userId: user.id, mailboxId: mailbox.id }))) {
      throw new InputError(`${email} is not a member of ${address}`);
    }
  }
  const label = (input.label ?? "").trim() || (mailbox ? `mailbox ${mailbox.address}` : "mail client");
  if (label.length > MAX_APP_PASSWORD_LABEL)
    throw new InputError(`label must be at most ${MAX_APP_PASSWORD_LABEL} characters`);

  // The prefix must single out one hash for every login this password can
  // serve: among the user's own, and among those scoped to the same mailbox.
  const active = await db().appPassword.findMany({
    where: { revokedAt: null, OR: [{ userId: user.id }, ...(mailbox ? [{ mailboxId: mailbox.id }] : [])] },
    select: { hash: true, userId: true },
  });
  if (active.filter((a) => a.userId === user.id).length >= MAX_ACTIVE_APP_PASSWORDS) {
    throw new InputError(`at most ${MAX_ACTIVE_APP_PASSWORDS} app passwords: revoke one first`);
  }
  const taken = new Set(active.map((a) => storedHashParts(a.hash)?.prefix));
  let secret = generateSecret();
  while (taken.has(lookupPrefix(secret))) secret = generateSecret();
  const hash = `${lookupPrefix(secret)}:${await hashPassword(secret)}`;

  const created = await db().$transaction(async (tx) => {
    const row = await tx.appPassword.create({
      data: { userId: user.id, mailboxId: mailbox?.id ?? null, label, hash },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "app_password.create",
        subjectType: "app_password",
        subjectId: row.id,
        after: { user: user.email, mailbox: mailbox?.address ?? null, label },
        ip: input.ip,
      },
      tx,
    );
    return row;
  });
  return {
    info: {
      id: created.id,
      label,
      userEmail: user.email,
      mailboxAddress: mailbox?.address ?? null,
      createdAt: created.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    },
    secret: display(secret),
    login: mailbox?.address ?? user.email,
  };
}

/** A user's app passwords, revoked ones included, newest first. Never the secrets. */
export async function listAppPasswords(userEmail: string): Promise<AppPasswordInfo[]> {
  const email = userEmail.trim().toLowerCase();
  const user = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (!user) throw new InputError(`no user ${email}`, "not_found");
  const rows = await db().appPassword.findMany({
    where: { userId: user.id },
    orderBy: { id: "desc" },
    select: {
      id: true,
      label: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      mailbox: { select: { address: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    userEmail: email,
    mailboxAddress: r.mailbox?.address ?? null,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  }));
}

/**
 * Revokes one app password; logins with it fail from now on. Revoking twice
 * changes nothing. With `ownerId` (the web app: a user revoking their own),
 * another user's app password answers exactly like one that does not exist.
 */
export async function revokeAppPassword(input: {
  id: number;
  ownerId?: number;
  actorId: number | null;
  ip?: string | null;
}): Promise<{ revokedAt: Date; alreadyRevoked: boolean }> {
  return db().$transaction(async (tx) => {
    const row = await tx.appPassword.findUnique({
      where: { id: input.id },
      select: { id: true, userId: true, label: true, revokedAt: true, user: { select: { email: true } } },
    });
    if (!row || (input.ownerId !== undefined && row.userId !== input.ownerId)) {
      throw new InputError(`no app password ${input.id}`, "not_found");
    }
    if (row.revokedAt) return { revokedAt: row.revokedAt, alreadyRevoked: true };
    const updated = await tx.appPassword.update({
      where: { id: row.id },
      data: { revokedAt: new Date() },
      select: { revokedAt: true },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "app_password.revoke",
        subjectType: "app_password",
        subjectId: row.id,
        before: { user: row.user.email, label: row.label, revokedAt: null },
        after: { revokedAt: (updated.revokedAt as Date).toISOString() },
        ip: input.ip,
      },
      tx,
    );
    return { revokedAt: updated.revokedAt as Date, alreadyRevoked: false };
  });
}
