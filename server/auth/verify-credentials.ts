// The web sign-in's check of an email and the user's own password (mail
// protocols take app passwords too: protocol-credentials.ts). Unknown user,
// disabled user and wrong password give the same answer in the same time;
// every attempt is counted before the password is checked (throttle.ts).
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { verifyPassword } from "./passwords.ts";
import { throttledLogin } from "./throttle.ts";

export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  role: "admin" | "agent";
  /** The user's session version at sign-in (session-user.ts): the session ends when it changes. */
  sessionVersion: number;
}

export type CredentialsResult = { ok: true; user: SignedInUser } | { ok: false; reason: "invalid" | "throttled" };

export async function verifyCredentials(input: {
  email: string;
  password: string;
  remoteAddress?: string | null;
}): Promise<CredentialsResult> {
  const email = input.email.trim().toLowerCase();
  const result = await throttledLogin({ login: email, remoteAddress: input.remoteAddress, door: "web" }, async () => {
    const user = await db().user.findUnique({ where: { email } });
    const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
    if (!user || user.disabled || !passwordOk) return null;
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      sessionVersion: user.sessionVersion,
    } satisfies SignedInUser;
  });
  if (!result.ok) return result;
  await recordAudit({
    actorId: result.value.id,
    action: "sign_in.success",
    subjectType: "user",
    subjectId: result.value.id,
    after: { door: "web" },
    ip: input.remoteAddress ?? null,
  });
  return { ok: true, user: result.value };
}
