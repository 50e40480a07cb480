// The login check of the mail protocols (SMTP submission; IMAP and POP3 use
// it too): the user's email and password, or an unrevoked app password
// (app-passwords.ts). The web sign-in keeps verify-credentials.ts, which
// takes only the real password.
//
// - an unscoped app password logs in as the user's email;
// - a mailbox-scoped one logs in as the mailbox's address (e.g.
//   support@example.com), only while its user still belongs to that mailbox,
//   and the session may act only on that mailbox (send-as, POP3's INBOX).
//
// Same answers and the same throttling as the web sign-in: unknown login,
// disabled user, revoked or wrong password all answer "invalid" after one
// argon2 verification, and every attempt is counted before it, per login and
// client address (throttle.ts). IMAP and POP3 call this one function too.
import { MAILBOX_ACCESS } from "../access/gate.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { sql } from "../db/raw-sql.ts";
import { canonicalAppPassword, lookupPrefix, storedHashParts } from "./app-passwords.ts";
import { verifyPassword } from "./passwords.ts";
import { type LoginDoor, throttledLogin } from "./throttle.ts";

export interface ProtocolLogin {
  user: { id: number; email: string; name: string; role: "admin" | "agent" };
  /** The name the client logged in with: the user's email, or the scoped mailbox's address. */
  login: string;
  /** Set for a mailbox-scoped app password: the only mailbox this session may use. */
  mailboxId: number | null;
  /** The app password used, or null for the user's own password. */
  appPasswordId: number | null;
}

export type ProtocolCredentialsResult = ({ ok: true } & ProtocolLogin) | { ok: false; reason: "invalid" | "throttled" };

interface Candidate {
  kind: "user" | "app";
  userId: number;
  email: string;
  name: string;
  role: "admin" | "agent";
  disabled: boolean;
  hash: string;
  appId: number | null;
  mailboxId: number | null;
}

export async function verifyProtocolCredentials(input: {
  login: string;
  password: string;
  remoteAddress?: string | null;
  /** The protocol asking, for the audit of a lock. */
  door?: Exclude<LoginDoor, "web">;
}): Promise<ProtocolCredentialsResult> {
  const login = input.login.trim().toLowerCase();
  const door = input.door ?? "smtp";
  const result = await throttledLogin({ login, remoteAddress: input.remoteAddress, door }, () =>
    matchCredentials(login, input.password),
  );
  if (!result.ok) return result;
  const match = result.value;
  if (match.appId !== null) {
    await sql.$queryRaw`update "AppPassword" set "lastUsedAt" = now() where id = ${match.appId}`;
  }
  // Once per login (an SMTP AUTH, an IMAP LOGIN, a POP3 PASS), never per command.
  await recordAudit(
    match.appId !== null
      ? {
          actorId: match.userId,
          action: "sign_in.app_password",
          subjectType: "app_password",
          subjectId: match.appId,
          after: { door, login, mailboxId: match.mailboxId },
          ip: input.remoteAddress ?? null,
        }
      : {
          actorId: match.userId,
          action: "sign_in.success",
          subjectType: "user",
          subjectId: match.userId,
          after: { door },
          ip: input.remoteAddress ?? null,
        },
  );
  return {
    ok: true,
    user: { id: match.userId, email: match.email, name: match.name, role: match.role },
    login,
    mailboxId: match.mailboxId,
    appPasswordId: match.appId,
  };
}

/** The enabled user or app password these credentials match, or null. */
async function matchCredentials(login: string, password: string): Promise<Candidate | null> {
  const canonical = canonicalAppPassword(password);
  // One round trip: the user with this email, and the app passwords this
  // login could mean whose lookup prefix matches (normally none or one).
  const candidates = await sql.$queryRaw<Candidate[]>`
    select 'user' as kind, u.id as "userId", u.email, u.name, u.role::text as role, u.disabled,
      u."passwordHash" as hash, null::int as "appId", null::int as "mailboxId"
    from "User" u where u.email = ${login}
    union all
    select 'app', u.id, u.email, u.name, u.role::text, u.disabled, a.hash, a.id, a."mailboxId"
    from "AppPassword" a
    join "User" u on u.id = a."userId"
    left join "Mailbox" m on m.id = a."mailboxId"
    where ${canonical}::text is not null and a."revokedAt" is null
      and left(a.hash, 5) = ${canonical ? `${lookupPrefix(canonical)}:` : null}::text
      and (
        (a."mailboxId" is null and u.email = ${login})
        or (m.address = ${login} and exists (
          select 1 from ${MAILBOX_ACCESS} ma where ma."mailboxId" = m.id and ma."userId" = u.id
        ))
      )`;
  const apps = candidates.filter((c) => c.kind === "app");
  const user = candidates.find((c) => c.kind === "user");

  let match: Candidate | null = null;
  for (const app of apps) {
    const parts = storedHashParts(app.hash);
    if (parts && (await verifyPassword(parts.hash, canonical as string))) {
      match = app;
      break;
    }
  }
  // The real password, when no app password matched. Also run (against a
  // dummy hash) when there is nothing to check at all, so that an unknown
  // login takes as long as a wrong password.
  if (!match && (user || apps.length === 0)) {
    if (await verifyPassword(user?.hash ?? null, password)) match = user ?? null;
  }
  return match && !match.disabled ? match : null;
}
