// Who is being attacked right now, from the login counters (throttle.ts):
// for `yubin status` and the admin's users page.
import { sql } from "../db/raw-sql.ts";
import { ACCOUNT_POLICY, PAIR_POLICY } from "../limits.ts";

export interface AttackedLogin {
  login: string;
  /** Attempts in the current window, over every address (successes excluded). */
  attempts: number;
  /** Attempts refused by a lock. */
  refused: number;
  /** Client addresses that tried this login in the window. */
  addresses: number;
  /** Set while the login refuses addresses it has never signed in from. */
  lockedUntil: Date | null;
}

export interface LockedAddress {
  address: string;
  attempts: number;
  refused: number;
  lockedUntil: Date;
}

export interface LoginAttackSummary {
  logins: AttackedLogin[];
  addresses: LockedAddress[];
}

// A login counts as attacked once one address has used up its attempts on it
// or the login's own counter has passed half its limit: ordinary typing
// mistakes stay out of the admin's view.
const ATTACKED_ATTEMPTS = Math.min(PAIR_POLICY.maxAttempts, Math.ceil(ACCOUNT_POLICY.maxAttempts / 2));
const LIMIT = 20;

export async function loginAttackSummary(): Promise<LoginAttackSummary> {
  const window = PAIR_POLICY.windowSeconds;
  const logins = await sql.$queryRaw<AttackedLogin[]>`
    select login,
      coalesce(sum(attempts) filter (where scope = 'pair'), 0)::int as attempts,
      coalesce(sum(refused), 0)::int as refused,
      count(*) filter (where scope = 'pair')::int as addresses,
      max("lockedUntil") filter (where scope = 'account' and "lockedUntil" > now()) as "lockedUntil"
    from "AuthThrottle"
    where login is not null and scope in ('pair', 'account')
      and ("windowStart" > now() - make_interval(secs => ${window}::int) or "lockedUntil" > now())
    group by login
    having coalesce(sum(attempts) filter (where scope = 'pair'), 0) + coalesce(sum(refused), 0) >= ${ATTACKED_ATTEMPTS}::int
      or max("lockedUntil") filter (where scope = 'account') > now()
    order by coalesce(sum(attempts) filter (where scope = 'pair'), 0) + coalesce(sum(refused), 0) desc, login
    limit ${LIMIT}::int`;
  const addresses = await sql.$queryRaw<LockedAddress[]>`
    select address, attempts, refused, "lockedUntil" from "AuthThrottle"
    where scope = 'address' and "lockedUntil" > now()
    order by attempts + refused desc, address
    limit ${LIMIT}::int`;
  return { logins, addresses };
}
