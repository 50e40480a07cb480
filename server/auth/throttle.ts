// Login throttling shared by every door (web sign-in, SMTP AUTH, IMAP, POP3)
// and every process, kept in PostgreSQL so that N nodes enforce one limit.
//
// An attempt is counted BEFORE its password is checked, in one statement that
// increments the counters and says whether this attempt may go on; a
// success gives its attempt back. Reading a lock first and recording the
// failure after the argon2 check let 40 parallel guesses all through.
//
// Three limits, met in this order (each only counts attempts the previous
// one let through, so one noisy address cannot push the others):
// 1. pair: one login from one client address. The attacker's own address is
//    what gets locked, not the account.
// 2. address: one client address across all logins (password spraying).
// 3. account: one login from addresses it has never signed in from (a
//    guesser spread over many addresses). Addresses the login has succeeded
//    from lately (KnownLoginAddress) are exempt, so an attack from elsewhere
//    never locks the owner out; after a few failures of their own they are
//    slowed down (one attempt per KNOWN_PAIR.lockSeconds), not locked.
// Attempts in flight: the counters count an attempt from its admission, so
// several logins that arrive together (colleagues behind one office NAT,
// a team's clients all polling support@ with their own app passwords) can
// fill a limit before any of them has been checked. Each key also counts its
// attempts still being checked (`pending`); a login that meets a lock reached
// only with pending attempts is not refused but waits for them (up to
// LOGIN_PENDING_WAIT_MS): a success gives its place back and lifts such a
// lock, a failure makes it a verdict, and the waiting login is then refused.
// So parallel guesses still get exactly the limit's number of checks, and
// parallel logins with the right passwords all get in.
// Each lock is audited once, when failures alone reach it (action
// "sign_in.locked"); loginAttackSummary
// reports current attacks to `yubin status` and the admin's users page.
// The policies (how many attempts lock a key for how long) are in
// server/limits.ts.
import { recordAudit } from "../audit/record-audit.ts";
import { sql } from "../db/raw-sql.ts";
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  KNOWN_ADDRESS_DAYS,
  KNOWN_PAIR_POLICY,
  LOGIN_PENDING_WAIT_MS,
  LOGIN_THROTTLE_WINDOW_SECONDS,
  PAIR_POLICY,
  type ThrottlePolicy,
} from "../limits.ts";

export type LoginDoor = "web" | "smtp" | "imap" | "pop3";

export interface LoginAttempt {
  /** The login name as typed; compared lower-cased. */
  login: string;
  /** The client's address; null when the door cannot tell (counted as one shared address). */
  remoteAddress: string | null | undefined;
  door: LoginDoor;
}

export type ThrottledResult<T> = { ok: true; value: T } | { ok: false; reason: "invalid" | "throttled" };

type Scope = "pair" | "address" | "account";

interface Keys {
  login: string;
  address: string;
  pair: string;
  address_: string;
  account: string;
}

// Longer than any real login or address; keeps hostile input out of the keys' index.
const MAX_KEY_PART = 320;

function keysOf(attempt: LoginAttempt): Keys {
  const login = attempt.login.trim().toLowerCase().slice(0, MAX_KEY_PART);
  const address = (attempt.remoteAddress || "unknown").slice(0, MAX_KEY_PART);
  return {
    login,
    address,
    pair: `pair:${address} ${login}`,
    address_: `address:${address}`,
    account: `account:${login}`,
  };
}

interface Admission {
  known: boolean;
  pair: { attempts: number; locked: boolean } | null;
  address: { attempts: number; locked: boolean } | null;
  account: { attempts: number; locked: boolean } | null;
}

// One upsert per limit. The WHERE of ON CONFLICT refuses a locked key: no
// row comes back, nothing is counted, and the next limit is not asked. The
// row lock of ON CONFLICT DO UPDATE serialises attempts on one key, and every
// statement takes its keys in the same order (pair, address, account), so
// concurrent attempts neither overtake nor deadlock each other.
async function admit(keys: Keys): Promise<Admission> {
  const [row] = await sql.$queryRaw<
    {
      known: boolean;
      pair_attempts: number | null;
      pair_locked: boolean | null;
      address_attempts: number | null;
      address_locked: boolean | null;
      account_attempts: number | null;
      account_locked: boolean | null;
    }[]
  >`
    with known as (
      select exists (
        select 1 from "KnownLoginAddress"
        where login = ${keys.login} and address = ${keys.address}
          and "lastSuccessAt" > now() - make_interval(days => ${KNOWN_ADDRESS_DAYS}::int)
      ) as known
    ),
    pair_policy as (
      select case when known then ${KNOWN_PAIR_POLICY.lockSeconds}::int else ${PAIR_POLICY.lockSeconds}::int end as lock
      from known
    ),
    pair as (
      insert into "AuthThrottle" as t (key, scope, login, address, attempts, pending, "windowStart")
      values (${keys.pair}, 'pair', ${keys.login}, ${keys.address}, 1, 1, now())
      on conflict (key) do update set
        attempts = case when t."windowStart" <= now() - make_interval(secs => ${PAIR_POLICY.windowSeconds}::int)
          then 1 else t.attempts + 1 end,
        -- A new window also forgets attempts a crashed process left pending.
        pending = case when t."windowStart" <= now() - make_interval(secs => ${PAIR_POLICY.windowSeconds}::int)
          then 1 else t.pending + 1 end,
        refused = case when t."windowStart" <= now() - make_interval(secs => ${PAIR_POLICY.windowSeconds}::int)
          then 0 else t.refused end,
        "windowStart" = case when t."windowStart" <= now() - make_interval(secs => ${PAIR_POLICY.windowSeconds}::int)
          then now() else t."windowStart" end,
        "lockedUntil" = case
          when t."windowStart" > now() - make_interval(secs => ${PAIR_POLICY.windowSeconds}::int)
            and t.attempts + 1 >= ${PAIR_POLICY.maxAttempts}::int
          then now() + make_interval(secs => (select lock from pair_policy)) end
      where t."lockedUntil" is null or t."lockedUntil" <= now()
      returning attempts, "lockedUntil" is not null as locked
    ),
    addr as (
      insert into "AuthThrottle" as t (key, scope, address, attempts, pending, "windowStart")
      select ${keys.address_}, 'address', ${keys.address}, 1, 1, now() where exists (select 1 from pair)
      on conflict (key) do update set
        attempts = case when t."windowStart" <= now() - make_interval(secs => ${ADDRESS_POLICY.windowSeconds}::int)
          then 1 else t.attempts + 1 end,
        -- A new window also forgets attempts a crashed process left pending.
        pending = case when t."windowStart" <= now() - make_interval(secs => ${ADDRESS_POLICY.windowSeconds}::int)
          then 1 else t.pending + 1 end,
        refused = case when t."windowStart" <= now() - make_interval(secs => ${ADDRESS_POLICY.windowSeconds}::int)
          then 0 else t.refused end,
        "windowStart" = case when t."windowStart" <= now() - make_interval(secs => ${ADDRESS_POLICY.windowSeconds}::int)
          then now() else t."windowStart" end,
        "lockedUntil" = case
          when t."windowStart" > now() - make_interval(secs => ${ADDRESS_POLICY.windowSeconds}::int)
            and t.attempts + 1 >= ${ADDRESS_POLICY.maxAttempts}::int
          then now() + make_interval(secs => ${ADDRESS_POLICY.lockSeconds}::int) end
      where t."lockedUntil" is null or t."lockedUntil" <= now()
      returning attempts, "lockedUntil" is not null as locked
    ),
    account as (
      insert into "AuthThrottle" as t (key, scope, login, attempts, pending, "windowStart")
      select ${keys.account}, 'account', ${keys.login}, 1, 1, now()
      where exists (select 1 from addr) and not (select known from known)
      on conflict (key) do update set
        attempts = case when t."windowStart" <= now() - make_interval(secs => ${ACCOUNT_POLICY.windowSeconds}::int)
          then 1 else t.attempts + 1 end,
        -- A new window also forgets attempts a crashed process left pending.
        pending = case when t."windowStart" <= now() - make_interval(secs => ${ACCOUNT_POLICY.windowSeconds}::int)
          then 1 else t.pending + 1 end,
        refused = case when t."windowStart" <= now() - make_interval(secs => ${ACCOUNT_POLICY.windowSeconds}::int)
          then 0 else t.refused end,
        "windowStart" = case when t."windowStart" <= now() - make_interval(secs => ${ACCOUNT_POLICY.windowSeconds}::int)
          then now() else t."windowStart" end,
        "lockedUntil" = case
          when t."windowStart" > now() - make_interval(secs => ${ACCOUNT_POLICY.windowSeconds}::int)
            and t.attempts + 1 >= ${ACCOUNT_POLICY.maxAttempts}::int
          then now() + make_interval(secs => ${ACCOUNT_POLICY.lockSeconds}::int) end
      where t."lockedUntil" is null or t."lockedUntil" <= now()
      returning attempts, "lockedUntil" is not null as locked
    )
    select (select known from known) as known,
      (select attempts from pair) as pair_attempts, (select locked from pair) as pair_locked,
      (select attempts from addr) as address_attempts, (select locked from addr) as address_locked,
      (select attempts from account) as account_attempts, (select locked from account) as account_locked`;
  const part = (attempts: number | null | undefined, locked: boolean | null | undefined) =>
    attempts == null ? null : { attempts, locked: locked === true };
  return {
    known: row?.known === true,
    pair: part(row?.pair_attempts, row?.pair_locked),
    address: part(row?.address_attempts, row?.address_locked),
    account: part(row?.account_attempts, row?.account_locked),
  };
}

const SCOPES: readonly Scope[] = ["pair", "address", "account"];

/** The limit that refused an attempt, or null when it may go on. */
function refusedBy(admission: Admission): Scope | null {
  if (!admission.pair) return "pair";
  if (!admission.address) return "address";
  if (!admission.known && !admission.account) return "account";
  return null;
}

/** The keys that counted this attempt, in the order they are locked in. */
function countedBy(admission: Admission): Scope[] {
  return SCOPES.filter((scope) => admission[scope] !== null);
}

function keyOf(keys: Keys, scope: Scope): string {
  return scope === "pair" ? keys.pair : scope === "address" ? keys.address_ : keys.account;
}

function policyOf(scope: Scope, known: boolean): ThrottlePolicy {
  return scope === "pair"
    ? known
      ? KNOWN_PAIR_POLICY
      : PAIR_POLICY
    : scope === "address"
      ? ADDRESS_POLICY
      : ACCOUNT_POLICY;
}

async function countRefusal(keys: Keys, scope: Scope): Promise<void> {
  await sql.$queryRaw`update "AuthThrottle" set refused = refused + 1 where key = ${keyOf(keys, scope)}`;
}

/**
 * Whether a refusal by `scope` is only for attempts still being checked: the key is no longer locked,
 * or its failures alone (attempts − pending) are under the limit. Then the attempt may wait.
 */
async function refusalMayPass(keys: Keys, scope: Scope, known: boolean): Promise<boolean> {
  const [row] = await sql.$queryRaw<{ failures: number; locked: boolean }[]>`
    select attempts - pending as failures, coalesce("lockedUntil" > now(), false) as locked
    from "AuthThrottle" where key = ${keyOf(keys, scope)}`;
  return !row?.locked || row.failures < policyOf(scope, known).maxAttempts;
}

interface Released {
  scope: Scope;
  failures: number;
  locked: boolean;
}

/**
 * The end of an attempt's check on the keys that counted it, one statement per key in the admission's
 * order (so that it never waits on a row lock an admission holds while waiting on one of ours).
 * `giveBack` also takes the attempt back, lifting a lock it no longer reaches.
 */
async function release(keys: Keys, scopes: Scope[], known: boolean, giveBack: boolean): Promise<Released[]> {
  const released: Released[] = [];
  for (const scope of scopes) {
    const [row] = await sql.$queryRaw<{ failures: number; locked: boolean }[]>`
      update "AuthThrottle" set pending = greatest(pending - 1, 0),
        attempts = case when ${giveBack}::boolean then greatest(attempts - 1, 0) else attempts end,
        "lockedUntil" = case when ${giveBack}::boolean and attempts - 1 < ${policyOf(scope, known).maxAttempts}::int
          then null else "lockedUntil" end
      where key = ${keyOf(keys, scope)}
      returning attempts - pending as failures, coalesce("lockedUntil" > now(), false) as locked`;
    if (row) released.push({ scope, ...row });
  }
  return released;
}

// A success is not an attempt against the limits: the pair starts over
// (keeping the attempts of its own still being checked), and the address and
// account counters get their attempt back (a success from the owner must
// not wipe what an attacker elsewhere has run up).
async function recordSuccess(keys: Keys, admission: Admission): Promise<void> {
  await sql.$queryRaw`
    update "AuthThrottle" set attempts = greatest(pending - 1, 0), pending = greatest(pending - 1, 0),
      refused = 0, "lockedUntil" = null
    where key = ${keys.pair}`;
  await release(
    keys,
    countedBy(admission).filter((scope) => scope !== "pair"),
    admission.known,
    true,
  );
  await sql.$queryRaw`
    with stale as (
      delete from "KnownLoginAddress"
      where login = ${keys.login} and "lastSuccessAt" < now() - make_interval(days => ${KNOWN_ADDRESS_DAYS}::int)
    )
    insert into "KnownLoginAddress" (login, address, "lastSuccessAt") values (${keys.login}, ${keys.address}, now())
    on conflict (login, address) do update set "lastSuccessAt" = now()`;
}

// Audited when failures alone reach a limit: the one failure that brings them to it.
async function auditLocks(keys: Keys, released: Released[], known: boolean, door: LoginDoor): Promise<void> {
  for (const { scope, failures, locked } of released) {
    const policy = policyOf(scope, known);
    if (!locked || failures !== policy.maxAttempts) continue;
    await recordAudit({
      actorId: null,
      action: "sign_in.locked",
      subjectType: scope === "address" ? "client_address" : "login",
      subjectId: scope === "address" ? keys.address : keys.login,
      after: {
        scope,
        login: scope === "address" ? null : keys.login,
        address: scope === "account" ? null : keys.address,
        door,
        attempts: policy.maxAttempts,
        lockedSeconds: policy.lockSeconds,
        knownAddress: known,
      },
      ip: keys.address,
    });
  }
}

// Every checked attempt that failed, whatever the door (a success is audited by the door's
// verification, which knows the user and the app password). An attempt refused by a lock is
// not checked and not audited one by one: the lock is, and AuthThrottle counts the refusals.
async function auditFailure(keys: Keys, attempt: LoginAttempt): Promise<void> {
  await recordAudit({
    actorId: null,
    action: "sign_in.failure",
    subjectType: "login",
    subjectId: keys.login,
    after: { door: attempt.door },
    ip: attempt.remoteAddress || null,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `verify` (the one argon2 check of a door) only if the limits let this
 * attempt through, counting it first. `verify` answers the logged-in value,
 * or null for any failure (unknown login, wrong password, disabled user):
 * every failure counts the same.
 */
export async function throttledLogin<T>(
  attempt: LoginAttempt,
  verify: () => Promise<T | null>,
): Promise<ThrottledResult<T>> {
  const keys = keysOf(attempt);
  const deadline = Date.now() + LOGIN_PENDING_WAIT_MS;
  let pause = 20;
  let admission = await admit(keys);
  for (let refused = refusedBy(admission); refused; refused = refusedBy(admission)) {
    const counted = countedBy(admission);
    if (Date.now() + pause < deadline && (await refusalMayPass(keys, refused, admission.known))) {
      // Checks in flight fill the limit: wait for their verdicts, and ask again as a new attempt.
      await release(keys, counted, admission.known, true);
      await sleep(pause);
      pause = Math.min(pause * 2, 500);
      admission = await admit(keys);
      continue;
    }
    await release(keys, counted, admission.known, false);
    await countRefusal(keys, refused);
    return { ok: false, reason: "throttled" };
  }
  let value: T | null;
  try {
    value = await verify();
  } catch (error) {
    await release(keys, countedBy(admission), admission.known, true);
    throw error;
  }
  if (value === null) {
    const released = await release(keys, countedBy(admission), admission.known, false);
    await auditFailure(keys, attempt);
    await auditLocks(keys, released, admission.known, attempt.door);
    return { ok: false, reason: "invalid" };
  }
  await recordSuccess(keys, admission);
  return { ok: true, value };
}

/** Drops counters whose window and lock are over (housekeeping). */
export async function purgeExpiredThrottles(): Promise<number> {
  const rows = await sql.$queryRaw<{ n: number }[]>`
    with gone as (
      delete from "AuthThrottle"
      where "windowStart" <= now() - make_interval(secs => ${LOGIN_THROTTLE_WINDOW_SECONDS}::int)
        and ("lockedUntil" is null or "lockedUntil" <= now())
      returning 1
    )
    select count(*)::int as n from gone`;
  return rows[0]?.n ?? 0;
}
