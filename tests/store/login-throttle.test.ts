// Login throttling (server/auth/throttle.ts) against a real PostgreSQL, with
// real concurrency: the limits hold when attempts arrive together, they lock
// the attacker's address rather than the account, and the owner's own
// addresses are slowed at most, whatever happens elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginAttackSummary } from "../../server/auth/login-attacks.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { verifyCredentials } from "../../server/auth/verify-credentials.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { ACCOUNT_POLICY, ADDRESS_POLICY, PAIR_POLICY } from "../../server/limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeUser, TEST_PASSWORD } from "../support/factories.ts";

beforeAll(async () => {
  await useTestDatabase();
  for (const name of ["race", "race2", "owner", "admin", "spray", "slow"]) await makeUser(`${name}@example.com`);
});

afterAll(async () => {
  await disconnectDb();
});

const web = (email: string, password: string, remoteAddress: string) =>
  verifyCredentials({ email, password, remoteAddress });

function tally(results: { ok: boolean; reason?: string }[]) {
  const counts = { ok: 0, invalid: 0, throttled: 0 };
  for (const r of results) counts[r.ok ? "ok" : (r.reason as "invalid" | "throttled")]++;
  return counts;
}

describe("parallel guesses", () => {
  it("verifies at most the pair's limit of 40 simultaneous web guesses", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => web("race@example.com", `guess ${i}`, "192.0.2.10")),
    );
    expect(tally(results)).toEqual({
      ok: 0,
      invalid: PAIR_POLICY.maxAttempts,
      throttled: 40 - PAIR_POLICY.maxAttempts,
    });
    // The right password from the same address is refused too, without a password check.
    expect(await web("race@example.com", TEST_PASSWORD, "192.0.2.10")).toEqual({ ok: false, reason: "throttled" });
  });

  it("verifies at most the pair's limit of 40 simultaneous protocol logins", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        verifyProtocolCredentials({ login: "race2@example.com", password: `guess ${i}`, remoteAddress: "192.0.2.11" }),
      ),
    );
    expect(tally(results)).toEqual({
      ok: 0,
      invalid: PAIR_POLICY.maxAttempts,
      throttled: 40 - PAIR_POLICY.maxAttempts,
    });
  });

  it("shares one count between the web and the mail protocols", async () => {
    const address = "192.0.2.12";
    for (let i = 0; i < PAIR_POLICY.maxAttempts; i++) {
      expect(await web("slow@example.com", `wrong ${i}`, address)).toEqual({ ok: false, reason: "invalid" });
    }
    expect(
      await verifyProtocolCredentials({ login: "slow@example.com", password: TEST_PASSWORD, remoteAddress: address }),
    ).toEqual({ ok: false, reason: "throttled" });
  });
});

describe("no denial of service", () => {
  it("locks the guessing address, not the account: the owner signs in from elsewhere", async () => {
    for (let i = 0; i < 10; i++) await web("admin@example.com", `wrong ${i}`, "198.51.100.66");
    expect(await web("admin@example.com", TEST_PASSWORD, "198.51.100.66")).toEqual({ ok: false, reason: "throttled" });
    expect(await web("admin@example.com", TEST_PASSWORD, "203.0.113.5")).toMatchObject({ ok: true });
    const locks = await db().auditEvent.findMany({
      where: { action: "sign_in.locked", subjectId: "admin@example.com" },
    });
    expect(locks).toHaveLength(1);
    expect(locks[0]).toMatchObject({ ip: "198.51.100.66", after: { scope: "pair", door: "web" } });
  });

  it("closes an account attacked from many addresses to new addresses only; known ones still sign in", async () => {
    // The owner has signed in from 203.0.113.7 before.
    expect(await web("owner@example.com", TEST_PASSWORD, "203.0.113.7")).toMatchObject({ ok: true });
    // A botnet: every address stays under its own limits.
    const guesses = Array.from({ length: ACCOUNT_POLICY.maxAttempts + 10 }, (_, i) =>
      web("owner@example.com", `guess ${i}`, `10.66.${i >> 8}.${i & 255}`),
    );
    const results = tally(await Promise.all(guesses));
    expect(results.invalid).toBe(ACCOUNT_POLICY.maxAttempts);
    expect(results.throttled).toBe(10);
    // A new address, even with the right password, waits; the owner's known address does not.
    expect(await web("owner@example.com", TEST_PASSWORD, "10.99.0.1")).toEqual({ ok: false, reason: "throttled" });
    expect(await web("owner@example.com", TEST_PASSWORD, "203.0.113.7")).toMatchObject({ ok: true });
    expect(
      await verifyProtocolCredentials({
        login: "owner@example.com",
        password: TEST_PASSWORD,
        remoteAddress: "203.0.113.7",
      }),
    ).toMatchObject({ ok: true });

    const lock = await db().auditEvent.findFirst({
      where: {
        action: "sign_in.locked",
        subjectId: "owner@example.com",
        after: { path: ["scope"], equals: "account" },
      },
    });
    expect(lock).not.toBeNull();
    const summary = await loginAttackSummary();
    const owner = summary.logins.find((l) => l.login === "owner@example.com");
    // Every guessing address tried once (the pair counts first); the account refused the last ones.
    expect(owner?.attempts).toBeGreaterThanOrEqual(ACCOUNT_POLICY.maxAttempts + 10);
    expect(owner?.addresses).toBeGreaterThanOrEqual(ACCOUNT_POLICY.maxAttempts + 10);
    expect(owner?.refused).toBeGreaterThanOrEqual(11);
    expect(owner?.lockedUntil).toBeInstanceOf(Date);
  });

  it("slows the owner's own address down after its failures instead of locking it for long", async () => {
    const known = "203.0.113.9";
    expect(await web("slow@example.com", TEST_PASSWORD, known)).toMatchObject({ ok: true });
    for (let i = 0; i < PAIR_POLICY.maxAttempts; i++) await web("slow@example.com", `typo ${i}`, known);
    expect(await web("slow@example.com", TEST_PASSWORD, known)).toEqual({ ok: false, reason: "throttled" });
    const row = await db().authThrottle.findUnique({ where: { key: `pair:${known} slow@example.com` } });
    const lockSeconds = ((row?.lockedUntil?.getTime() ?? 0) - Date.now()) / 1000;
    expect(lockSeconds).toBeGreaterThan(0);
    expect(lockSeconds).toBeLessThanOrEqual(30);
  });

  it("still limits one address spraying many accounts", async () => {
    const results = [];
    for (let i = 0; i < ADDRESS_POLICY.maxAttempts + 3; i++) {
      results.push(await web(`nobody${i}@example.com`, "password1", "192.0.2.99"));
    }
    expect(tally(results)).toEqual({ ok: 0, invalid: ADDRESS_POLICY.maxAttempts, throttled: 3 });
    expect(await web("spray@example.com", TEST_PASSWORD, "192.0.2.99")).toEqual({ ok: false, reason: "throttled" });
    expect((await loginAttackSummary()).addresses.map((a) => a.address)).toContain("192.0.2.99");
    // The successes of other logins did not count against their addresses.
    expect(await web("spray@example.com", TEST_PASSWORD, "192.0.2.100")).toMatchObject({ ok: true });
  });
});

describe("parallel logins that are right (colleagues behind one NAT address)", () => {
  it("lets more different users than the address's limit sign in at once from one address", async () => {
    const users = Array.from({ length: ADDRESS_POLICY.maxAttempts + 10 }, (_, i) => `nat${i}@example.com`);
    for (const email of users) await makeUser(email);
    const results = await Promise.all(users.map((email) => web(email, TEST_PASSWORD, "192.0.2.200")));
    expect(tally(results)).toEqual({ ok: users.length, invalid: 0, throttled: 0 });
    // No lock was recorded, and the address's counter is back to nothing.
    const row = await db().authThrottle.findUnique({ where: { key: "address:192.0.2.200" } });
    expect(row).toMatchObject({ attempts: 0, pending: 0, lockedUntil: null });
    expect(await db().auditEvent.count({ where: { action: "sign_in.locked", ip: "192.0.2.200" } })).toBe(0);
  });

  it("lets one login sign in more times at once than the pair's limit (several devices)", async () => {
    await makeUser("devices@example.com");
    const results = await Promise.all(
      Array.from({ length: PAIR_POLICY.maxAttempts * 3 }, () =>
        verifyProtocolCredentials({
          login: "devices@example.com",
          password: TEST_PASSWORD,
          remoteAddress: "192.0.2.201",
        }),
      ),
    );
    expect(tally(results)).toEqual({ ok: PAIR_POLICY.maxAttempts * 3, invalid: 0, throttled: 0 });
  });

  it("records one lock when failures reach the limit, however many guesses waited for them", async () => {
    await makeUser("mixed@example.com");
    const address = "192.0.2.202";
    const guesses = Array.from({ length: 20 }, (_, i) => web("mixed@example.com", `guess ${i}`, address));
    const results = tally(await Promise.all(guesses));
    expect(results).toEqual({ ok: 0, invalid: PAIR_POLICY.maxAttempts, throttled: 20 - PAIR_POLICY.maxAttempts });
    const locks = await db().auditEvent.findMany({
      where: { action: "sign_in.locked", subjectId: "mixed@example.com" },
    });
    expect(locks).toHaveLength(1);
  });
});
