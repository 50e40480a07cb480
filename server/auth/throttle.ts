// Failed-login throttling shared by every process and every door — the web
// sign-in (verify-credentials.ts) and the mail protocols' logins
// (protocol-credentials.ts: SMTP submission, then IMAP and POP3) — kept in
// PostgreSQL so that N web and mail nodes enforce one limit.
import { db } from "../db.ts";

export interface ThrottlePolicy {
  /** Failures allowed within the window before the key is locked. */
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/** Per account: slows password guessing against one user. */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
/** Per client address: slows spraying many accounts from one place. */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 30, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export async function isLocked(key: string): Promise<boolean> {
  const row = await db().authThrottle.findUnique({ where: { key } });
  return !!row?.lockedUntil && row.lockedUntil > new Date();
}

/** Counts one failure atomically; locks the key once the policy's limit is reached. */
export async function recordFailure(key: string, policy: ThrottlePolicy): Promise<void> {
  await db().$executeRaw`
    insert into "AuthThrottle" (key, failures, "windowStart")
    values (${key}, 1, now())
    on conflict (key) do update set
      failures = case when "AuthThrottle"."windowStart" < now() - make_interval(secs => ${policy.windowSeconds})
                      then 1 else "AuthThrottle".failures + 1 end,
      "windowStart" = case when "AuthThrottle"."windowStart" < now() - make_interval(secs => ${policy.windowSeconds})
                      then now() else "AuthThrottle"."windowStart" end`;
  await db().$executeRaw`
    update "AuthThrottle" set "lockedUntil" = now() + make_interval(secs => ${policy.lockSeconds}), failures = 0,
      "windowStart" = now()
    where key = ${key} and failures >= ${policy.maxFailures}`;
}

export async function clearFailures(key: string): Promise<void> {
  await db().authThrottle.deleteMany({ where: { key } });
}
