// Sign-in and the tRPC endpoint over real HTTP, against `yubin start --roles web`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "admin password 123" };
let yubin: YubinProcess;

interface SignInAttempt {
  status: number;
  body: unknown;
  /** The Set-Cookie header of the session cookie, if one was set. */
  sessionCookie: string | null;
  /** "name=value" for a Cookie header. */
  cookie: string | null;
}

function cookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0] as string);
}

async function signIn(email: string, password: string): Promise<SignInAttempt> {
  const csrf = await fetch(`${yubin.baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${yubin.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiePairs(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const sessionCookie = response.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token=")) ?? null;
  return {
    status: response.status,
    body: await response.json(),
    sessionCookie,
    cookie: sessionCookie ? (sessionCookie.split(";")[0] as string) : null,
  };
}

function errorOf(attempt: SignInAttempt): string | null {
  const url = (attempt.body as { url?: string }).url;
  return url ? new URL(url).searchParams.get("error") : null;
}

beforeAll(async () => {
  const url = await useTestDatabase();
  yubin = await startYubinProcess({
    roles: "web",
    env: {
      DATABASE_URL: url,
      YUBIN_HOSTNAME: "127.0.0.1",
      YUBIN_ADMIN_EMAIL: ADMIN.email,
      YUBIN_ADMIN_PASSWORD: ADMIN.password,
    },
  });
  await createUser({ email: "agent@example.com", password: "agent password 123", actorId: null });
  await createUser({ email: "locked@example.com", password: "locked password 123", actorId: null });
});

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

describe("web role over HTTP", () => {
  it("answers /api/health with JSON", async () => {
    const response = await fetch(`${yubin.baseUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await response.json()).toMatchObject({ ok: true, database: true, roles: { web: true } });
  });

  it("redirects / to the sign-in page without a session", async () => {
    const response = await fetch(`${yubin.baseUrl}/`, { redirect: "manual" });
    expect([303, 307, 308]).toContain(response.status);
    expect(response.headers.get("location")).toMatch(/\/sign-in$/);
  });

  it("signs in with the right password and sets an httpOnly session cookie", async () => {
    const attempt = await signIn(ADMIN.email, ADMIN.password);
    expect(attempt.status).toBe(200);
    expect(errorOf(attempt)).toBeNull();
    expect(attempt.sessionCookie).toMatch(/; HttpOnly/i);
    expect(attempt.sessionCookie).toMatch(/; SameSite=Lax/i);
    const inbox = await fetch(`${yubin.baseUrl}/inbox`, { headers: { cookie: attempt.cookie as string } });
    expect(inbox.status).toBe(200);
    const html = await inbox.text();
    expect(html).toContain(ADMIN.email);
    expect(html).toContain("No conversations yet — mail sent to admin@example.com will appear here.");
  });

  it("ignores a client's own X-Forwarded-Proto: no Secure cookie without a trusted proxy or an https public URL", async () => {
    const csrf = await fetch(`${yubin.baseUrl}/api/auth/csrf`, { headers: { "x-forwarded-proto": "https" } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    expect(csrf.headers.getSetCookie().join("\n")).not.toMatch(/__Host-|; Secure/i);
    const response = await fetch(`${yubin.baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-forwarded-proto": "https",
        cookie: cookiePairs(csrf).join("; "),
      },
      body: new URLSearchParams({
        csrfToken,
        email: "agent@example.com",
        password: "agent password 123",
        json: "true",
      }),
      redirect: "manual",
    });
    const session = response.headers.getSetCookie().find((c) => c.includes("next-auth.session-token="));
    expect(session).toMatch(/^next-auth\.session-token=/);
    expect(session).not.toMatch(/; Secure/i);
  });

  it("answers a wrong password and an unknown user the same way", async () => {
    const wrongPassword = await signIn("agent@example.com", "not the password");
    const unknownUser = await signIn("nobody@example.com", "not the password");
    expect(wrongPassword.status).toBe(401);
    expect(errorOf(wrongPassword)).toBe("CredentialsSignin");
    expect({ status: unknownUser.status, body: unknownUser.body, cookie: unknownUser.sessionCookie }).toEqual({
      status: wrongPassword.status,
      body: wrongPassword.body,
      cookie: wrongPassword.sessionCookie,
    });
    expect(wrongPassword.sessionCookie).toBeNull();
  });

  it("throttles a login from one address after 5 failures, even for the right password", async () => {
    for (let i = 0; i < 5; i++)
      expect(errorOf(await signIn("locked@example.com", `wrong ${i}`))).toBe("CredentialsSignin");
    const right = await signIn("locked@example.com", "locked password 123");
    expect(errorOf(right)).toBe("throttled");
    expect(right.sessionCookie).toBeNull();
    // Other accounts are not affected.
    expect(errorOf(await signIn("agent@example.com", "agent password 123"))).toBeNull();
  });
});

describe("tRPC over HTTP", () => {
  let adminCookie: string;
  beforeAll(async () => {
    adminCookie = (await signIn(ADMIN.email, ADMIN.password)).cookie as string;
  });

  const addDomainRequest = (headers: Record<string, string>, body = JSON.stringify({ name: "example.net" })) =>
    fetch(`${yubin.baseUrl}/api/trpc/admin.domains.add`, { method: "POST", headers, body });

  it("rejects an admin query without a session, and answers it with one", async () => {
    const anonymous = await fetch(`${yubin.baseUrl}/api/trpc/admin.users.list`);
    expect(anonymous.status).toBe(401);
    const signedIn = await fetch(`${yubin.baseUrl}/api/trpc/admin.users.list`, { headers: { cookie: adminCookie } });
    expect(signedIn.status).toBe(200);
    const { result } = (await signedIn.json()) as { result: { data: { email: string }[] } };
    expect(result.data.map((u) => u.email)).toContain(ADMIN.email);
  });

  it("answers an agent's admin query exactly as a path that does not exist", async () => {
    const agent = (await signIn("agent@example.com", "agent password 123")).cookie as string;
    const ask = (path: string) => fetch(`${yubin.baseUrl}/api/trpc/${path}`, { headers: { cookie: agent } });
    const [admin, missing] = await Promise.all([ask("admin.users.list"), ask("admin.users.nonexistent")]);
    expect(admin.status).toBe(404);
    expect(missing.status).toBe(404);
    const message = async (response: Response) =>
      ((await response.json()) as { error: { message: string } }).error.message;
    expect(await message(admin)).toBe('No procedure found on path "admin.users.list"');
    expect(await message(missing)).toBe('No procedure found on path "admin.users.nonexistent"');
  });

  it("refuses a mutation with a foreign Origin", async () => {
    const response = await addDomainRequest({
      cookie: adminCookie,
      "content-type": "application/json",
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
  });

  it("refuses a mutation without an Origin header", async () => {
    const response = await addDomainRequest({ cookie: adminCookie, "content-type": "application/json" });
    expect(response.status).toBe(403);
  });

  it("refuses a same-origin mutation that is not JSON", async () => {
    const form = new FormData();
    form.set("name", "example.net");
    for (const [contentType, body] of [
      ["text/plain", JSON.stringify({ name: "example.net" })],
      ["application/x-www-form-urlencoded", "name=example.net"],
    ] as const) {
      const response = await addDomainRequest(
        { cookie: adminCookie, "content-type": contentType, origin: yubin.baseUrl },
        body,
      );
      expect(response.status).toBe(403);
    }
    const multipart = await fetch(`${yubin.baseUrl}/api/trpc/admin.domains.add`, {
      method: "POST",
      headers: { cookie: adminCookie, origin: yubin.baseUrl },
      body: form,
    });
    expect(multipart.status).toBe(403);
  });

  it("runs a same-origin JSON mutation and returns InputError messages", async () => {
    const headers = { cookie: adminCookie, "content-type": "application/json", origin: yubin.baseUrl };
    const added = await addDomainRequest(headers);
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual({ result: { data: { id: expect.any(Number), name: "example.net" } } });
    const again = await addDomainRequest(headers);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toBe(
      "domain example.net already exists",
    );
  });
});

// Last in this file: it locks the test client's address for the rest of the run.
describe("per-address throttling", () => {
  it("counts failures by the socket address, whatever X-Forwarded-For a client sends", async () => {
    const attempt = async (email: string, password: string, forwardedFor: string) => {
      const csrf = await fetch(`${yubin.baseUrl}/api/auth/csrf`, { headers: { "x-forwarded-for": forwardedFor } });
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const response = await fetch(`${yubin.baseUrl}/api/auth/callback/credentials`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": forwardedFor,
          cookie: cookiePairs(csrf).join("; "),
        },
        body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
        redirect: "manual",
      });
      const url = ((await response.json()) as { url?: string }).url;
      return url ? new URL(url).searchParams.get("error") : null;
    };
    // Failures against different accounts, each claiming another address: were
    // the header believed, no address would ever reach ADDRESS_POLICY's limit.
    let failures = 0;
    for (let i = 0; i <= 30; i++) {
      const error = await attempt(`nobody${i}@example.com`, "wrong password", `203.0.113.${i}`);
      if (error === "throttled") break;
      expect(error).toBe("CredentialsSignin");
      failures++;
    }
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(30);
    expect(await attempt("agent@example.com", "agent password 123", "198.51.100.7")).toBe("throttled");
  }, 60_000);
});
