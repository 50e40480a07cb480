// Sign-in and sessions over real HTTP against a running Yubin behind a
// (simulated) TLS-terminating proxy: YUBIN_TRUST_PROXY is on, so each test
// speaks from its own client address through X-Forwarded-For, as a proxy
// would say it, and says https through X-Forwarded-Proto.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { ACCOUNT_POLICY, PAIR_POLICY } from "../../server/limits.ts";
import { runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeUser, TEST_PASSWORD } from "../support/factories.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "admin password 123" };
let yubin: YubinProcess;
let databaseUrl: string;

interface Client {
  /** The client address the proxy reports. */
  address: string;
  https?: boolean;
}

function proxyHeaders(client: Client): Record<string, string> {
  return { "x-forwarded-for": client.address, "x-forwarded-proto": client.https ? "https" : "http" };
}

const pairs = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0] as string);

/** next-auth's CSRF token and cookie, once per client: many sign-in posts may share it. */
async function csrf(client: Client): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${yubin.baseUrl}/api/auth/csrf`, { headers: proxyHeaders(client) });
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { token: csrfToken, cookie: pairs(response).join("; ") };
}

interface Attempt {
  /** null when signed in; else next-auth's error ("CredentialsSignin", "throttled"). */
  error: string | null;
  setCookies: string[];
  /** "name=value" of the session cookie, when one was set. */
  session: string | null;
}

async function signIn(email: string, password: string, client: Client, token?: { token: string; cookie: string }) {
  const { token: csrfToken, cookie } = token ?? (await csrf(client));
  const response = await fetch(`${yubin.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...proxyHeaders(client) },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const url = ((await response.json()) as { url?: string }).url;
  const setCookies = response.headers.getSetCookie();
  const session = setCookies.find((c) => /^(?:__Secure-)?next-auth\.session-token=/.test(c));
  return {
    error: url ? new URL(url).searchParams.get("error") : null,
    setCookies,
    session: session ? (session.split(";")[0] as string) : null,
  } satisfies Attempt;
}

/** me.get over HTTP: 200 while the session lives, 401 once it has ended. */
async function whoAmI(session: string, client: Client): Promise<number> {
  const response = await fetch(`${yubin.baseUrl}/api/trpc/me.get`, {
    headers: { cookie: session, ...proxyHeaders(client) },
  });
  await response.body?.cancel();
  return response.status;
}

async function mutation(path: string, input: unknown, session: string, client: Client): Promise<Response> {
  return fetch(`${yubin.baseUrl}/api/trpc/${path}`, {
    method: "POST",
    headers: {
      cookie: session,
      "content-type": "application/json",
      origin: yubin.baseUrl,
      ...proxyHeaders(client),
    },
    body: JSON.stringify(input),
  });
}

beforeAll(async () => {
  databaseUrl = await useTestDatabase();
  yubin = await startYubinProcess({
    roles: "web",
    env: {
      DATABASE_URL: databaseUrl,
      YUBIN_HOSTNAME: "127.0.0.1",
      YUBIN_ADMIN_EMAIL: ADMIN.email,
      YUBIN_ADMIN_PASSWORD: ADMIN.password,
      YUBIN_TRUST_PROXY: "true",
    },
  });
  for (const name of ["race", "owner", "leaver", "changer", "own", "disabled", "ended", "secure"])
    await makeUser(`${name}@example.com`);
});

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

describe("parallel guesses at the sign-in endpoint", () => {
  it("checks at most five of 40 simultaneous guesses; the rest are throttled", async () => {
    const client = { address: "192.0.2.40" };
    const token = await csrf(client);
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn("race@example.com", `guess number ${i}`, client, token)),
    );
    const errors = attempts.map((a) => a.error);
    expect(errors.filter((e) => e === "CredentialsSignin")).toHaveLength(PAIR_POLICY.maxAttempts);
    expect(errors.filter((e) => e === "throttled")).toHaveLength(40 - PAIR_POLICY.maxAttempts);
    expect(attempts.every((a) => a.session === null)).toBe(true);
  }, 60_000);
});

describe("no lock-out of the account", () => {
  it("keeps the owner's known address open while many addresses guess; the admin sees the attack", async () => {
    const home = { address: "203.0.113.10" };
    expect((await signIn("owner@example.com", TEST_PASSWORD, home)).error).toBeNull();
    const guesses = await Promise.all(
      Array.from({ length: ACCOUNT_POLICY.maxAttempts + 5 }, (_, i) =>
        signIn("owner@example.com", `guess ${i}`, { address: `10.20.0.${i + 1}` }),
      ),
    );
    expect(guesses.filter((g) => g.error === "throttled")).toHaveLength(5);
    // The owner at home gets in; the same password from a new address waits until the attack is over.
    expect((await signIn("owner@example.com", TEST_PASSWORD, home)).error).toBeNull();
    expect((await signIn("owner@example.com", TEST_PASSWORD, { address: "10.99.0.1" })).error).toBe("throttled");

    const admin = (await signIn(ADMIN.email, ADMIN.password, { address: "203.0.113.1" })).session as string;
    const page = await fetch(`${yubin.baseUrl}/admin/users`, {
      headers: { cookie: admin, ...proxyHeaders({ address: "203.0.113.1" }) },
    });
    const html = await page.text();
    expect(html).toContain("Sign-in attacks");
    expect(html).toMatch(/owner@example\.com<\/span><span[^>]*>\d+ attempts, \d+ refused, from \d+ addresses/);
    expect(html).toContain("Closed to new addresses until");

    const status = await runCliInProcess(["status"], { DATABASE_URL: databaseUrl });
    expect(status.stdout).toMatch(/^sign-in: ATTACKED, \d+ login\(s\)/m);
    expect(status.stdout).toMatch(
      /^ {2}login owner@example\.com: \d+ attempt\(s\), \d+ refused, from \d+ address\(es\), closed to new addresses until /m,
    );
  }, 60_000);
});

describe("revocable sessions", () => {
  it("refuses a session cookie replayed after sign-out", async () => {
    const client = { address: "203.0.113.20" };
    const session = (await signIn("leaver@example.com", TEST_PASSWORD, client)).session as string;
    expect(await whoAmI(session, client)).toBe(200);
    const { token, cookie } = await csrf(client);
    const signOut = await fetch(`${yubin.baseUrl}/api/auth/signout`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `${cookie}; ${session}`,
        ...proxyHeaders(client),
      },
      body: new URLSearchParams({ csrfToken: token, json: "true" }),
      redirect: "manual",
    });
    expect(signOut.status).toBe(200);
    // The browser forgot the cookie; an attacker who copied it replays it.
    expect(await whoAmI(session, client)).toBe(401);
    const inbox = await fetch(`${yubin.baseUrl}/inbox`, {
      headers: { cookie: session, ...proxyHeaders(client) },
      redirect: "manual",
    });
    expect(inbox.headers.get("location")).toMatch(/\/sign-in$/);
    // Signing in again starts a new session.
    const again = (await signIn("leaver@example.com", TEST_PASSWORD, client)).session as string;
    expect(await whoAmI(again, client)).toBe(200);
  });

  it("ends every other session of a user who changes their password; the one they changed it from stays", async () => {
    const laptop = { address: "203.0.113.30" };
    const phone = { address: "203.0.113.31" };
    const first = (await signIn("changer@example.com", TEST_PASSWORD, laptop)).session as string;
    const second = (await signIn("changer@example.com", TEST_PASSWORD, phone)).session as string;
    const wrong = await mutation(
      "me.changePassword",
      { currentPassword: "not it at all", newPassword: "a new password 456" },
      first,
      laptop,
    );
    expect(wrong.status).toBe(400);
    expect(await whoAmI(first, laptop)).toBe(200);
    // The same rules as every password: too short is refused, and nothing changes.
    const short = await mutation(
      "me.changePassword",
      { currentPassword: TEST_PASSWORD, newPassword: "short" },
      first,
      laptop,
    );
    expect(short.status).toBe(400);
    expect(await whoAmI(second, phone)).toBe(200);
    const changed = await mutation(
      "me.changePassword",
      { currentPassword: TEST_PASSWORD, newPassword: "a new password 456" },
      first,
      laptop,
    );
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { result: { data: unknown } }).result.data).toEqual({
      endedSessions: 1,
      signedOut: false,
    });
    expect(await whoAmI(first, laptop)).toBe(200);
    expect(await whoAmI(second, phone)).toBe(401);
    expect((await signIn("changer@example.com", TEST_PASSWORD, laptop)).error).toBe("CredentialsSignin");
    expect((await signIn("changer@example.com", "a new password 456", laptop)).error).toBeNull();
    // Signing out of the kept session still ends it, and a replay of its cookie is refused.
    const { token, cookie } = await csrf(laptop);
    const signOut = await fetch(`${yubin.baseUrl}/api/auth/signout`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `${cookie}; ${first}`,
        ...proxyHeaders(laptop),
      },
      body: new URLSearchParams({ csrfToken: token, json: "true" }),
      redirect: "manual",
    });
    expect(signOut.status).toBe(200);
    expect(await whoAmI(first, laptop)).toBe(401);
  });

  it("lists one's own sessions, ends one of them, then all the others, and never another user's", async () => {
    const desk = { address: "203.0.113.60" };
    const tablet = { address: "203.0.113.61" };
    const kiosk = { address: "203.0.113.62" };
    const mine = (await signIn("own@example.com", TEST_PASSWORD, desk)).session as string;
    const onTablet = (await signIn("own@example.com", TEST_PASSWORD, tablet)).session as string;
    const onKiosk = (await signIn("own@example.com", TEST_PASSWORD, kiosk)).session as string;
    const someoneElse = (await signIn("ended@example.com", TEST_PASSWORD, desk)).session as string;
    const list = async (session: string) => {
      const response = await fetch(`${yubin.baseUrl}/api/trpc/me.sessions`, {
        headers: { cookie: session, ...proxyHeaders(desk) },
      });
      return ((await response.json()) as { result: { data: { id: string; ip: string; current: boolean }[] } }).result
        .data;
    };
    const sessions = await list(mine);
    expect(sessions.map((s) => [s.ip, s.current])).toEqual([
      ["203.0.113.62", false],
      ["203.0.113.61", false],
      ["203.0.113.60", true],
    ]);
    const [kioskRow, tabletRow] = sessions;
    // Another user's session id answers like a missing one, and stays alive.
    const foreign = (await list(someoneElse))[0]?.id as string;
    expect((await mutation("me.endSession", { sessionId: foreign }, mine, desk)).status).toBe(404);
    expect(await whoAmI(someoneElse, desk)).toBe(200);
    expect((await mutation("me.endSession", { sessionId: "x".repeat(101) }, mine, desk)).status).toBe(400);
    // End the kiosk alone.
    const ended = await mutation("me.endSession", { sessionId: kioskRow?.id }, mine, desk);
    expect(((await ended.json()) as { result: { data: unknown } }).result.data).toEqual({ signedOut: false });
    expect(await whoAmI(onKiosk, kiosk)).toBe(401);
    expect(await whoAmI(onTablet, tablet)).toBe(200);
    expect((await list(mine)).map((s) => s.id)).not.toContain(kioskRow?.id);
    // Then every other one: this one stays.
    const others = await mutation("me.endOtherSessions", {}, mine, desk);
    expect(((await others.json()) as { result: { data: unknown } }).result.data).toEqual({ ended: 1 });
    expect(await whoAmI(onTablet, tablet)).toBe(401);
    expect(await whoAmI(mine, desk)).toBe(200);
    expect((await list(mine)).map((s) => s.current)).toEqual([true]);
    expect(tabletRow?.current).toBe(false);
    // Ending one's own current session is signing out here.
    const self = (await list(mine))[0]?.id as string;
    const out = await mutation("me.endSession", { sessionId: self }, mine, desk);
    expect(((await out.json()) as { result: { data: unknown } }).result.data).toEqual({ signedOut: true });
    expect(await whoAmI(mine, desk)).toBe(401);
    expect(await whoAmI(someoneElse, desk)).toBe(200);
  });

  it("ends the sessions of a user the admin disables, and of one whose sessions the admin ends", async () => {
    const office = { address: "203.0.113.40" };
    const admin = (await signIn(ADMIN.email, ADMIN.password, office)).session as string;
    const users = (await (
      await fetch(`${yubin.baseUrl}/api/trpc/admin.users.list`, { headers: { cookie: admin, ...proxyHeaders(office) } })
    ).json()) as { result: { data: { id: number; email: string }[] } };
    const idOf = (email: string) => users.result.data.find((u) => u.email === email)?.id as number;

    const disabled = (await signIn("disabled@example.com", TEST_PASSWORD, office)).session as string;
    expect(await whoAmI(disabled, office)).toBe(200);
    const disable = await mutation(
      "admin.users.setDisabled",
      { userId: idOf("disabled@example.com"), disabled: true },
      admin,
      office,
    );
    expect(disable.status).toBe(200);
    expect(await whoAmI(disabled, office)).toBe(401);
    // Enabling again does not bring the old session back.
    await mutation("admin.users.setDisabled", { userId: idOf("disabled@example.com"), disabled: false }, admin, office);
    expect(await whoAmI(disabled, office)).toBe(401);

    const ended = (await signIn("ended@example.com", TEST_PASSWORD, office)).session as string;
    expect(await whoAmI(ended, office)).toBe(200);
    expect(
      (await mutation("admin.users.endSessions", { userId: idOf("ended@example.com") }, admin, office)).status,
    ).toBe(200);
    expect(await whoAmI(ended, office)).toBe(401);
    // The admin's own session is untouched.
    expect(await whoAmI(admin, office)).toBe(200);
  });
});

describe("behind a TLS-terminating proxy", () => {
  it("sets Secure cookies with the __Secure-/__Host- prefixes when the proxy says https", async () => {
    const client = { address: "203.0.113.50", https: true };
    const token = await csrf(client);
    expect(token.cookie).toMatch(/^__Host-next-auth\.csrf-token=/);
    const attempt = await signIn("secure@example.com", TEST_PASSWORD, client, token);
    expect(attempt.error).toBeNull();
    const session = attempt.setCookies.find((c) => c.startsWith("__Secure-next-auth.session-token="));
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; HttpOnly/i);
    expect(await whoAmI(attempt.session as string, client)).toBe(200);
    // The secure cookie is not accepted over plain http.
    expect(await whoAmI(attempt.session as string, { address: client.address })).toBe(401);
  });

  it("sets no Secure flag over plain http", async () => {
    const attempt = await signIn("secure@example.com", TEST_PASSWORD, { address: "203.0.113.51" });
    expect(attempt.session).toMatch(/^next-auth\.session-token=/);
    expect(attempt.setCookies.join("\n")).not.toMatch(/; Secure/i);
  });
});
