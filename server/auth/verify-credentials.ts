// The one check of an email and password, for the web sign-in and every mail
// protocol. Unknown user, disabled user and wrong password give the same
// answer in the same time; repeated failures lock the account and the client
// address for a while.
import { db } from "../db.ts";
import { verifyPassword } from "./passwords.ts";
import { ACCOUNT_POLICY, ADDRESS_POLICY, clearFailures, isLocked, recordFailure } from "./throttle.ts";

export type CredentialsResult =
  | { ok: true; user: { id: number; email: string; name: string; role: "admin" | "agent" } }
  | { ok: false; reason: "invalid" | "throttled" };

export async function verifyCredentials(input: {
  email: string;
  password: string;
  remoteAddress?: string | null;
}): Promise<CredentialsResult> {
  const email = input.email.trim().toLowerCase();
  const accountKey = `account:${email}`;
  const addressKey = input.remoteAddress ? `address:${input.remoteAddress}` : null;
  if ((await isLocked(accountKey)) || (addressKey && (await isLocked(addressKey)))) {
    return { ok: false, reason: "throttled" };
  }
  const user = await db().user.findUnique({ where: { email } });
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || user.disabled || !passwordOk) {
    await recordFailure(accountKey, ACCOUNT_POLICY);
    if (addressKey) await recordFailure(addressKey, ADDRESS_POLICY);
    return { ok: false, reason: "invalid" };
  }
  await clearFailures(accountKey);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
