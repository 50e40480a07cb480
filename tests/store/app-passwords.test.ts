import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { type SubmissionServer, startSubmissionServer } from "../../mail-daemons/smtp/submission-server.ts";
import { submissionStoreBackend } from "../../mail-daemons/smtp/submission-store-backend.ts";
import {
  canonicalAppPassword,
  createAppPassword,
  listAppPasswords,
  revokeAppPassword,
} from "../../server/auth/app-passwords.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { verifyCredentials } from "../../server/auth/verify-credentials.ts";
import { db } from "../../server/db.ts";
import { createUser } from "../../server/users/create-user.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { PASSWORD, seedOutbound } from "../support/outbound-fixtures.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";

let env: Record<string, string>;
let ids: Awaited<ReturnType<typeof seedOutbound>>;
let server: SubmissionServer;
const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString("base64");
const SECRET_SHAPE = /^[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}$/;

beforeAll(async () => {
  env = { DATABASE_URL: await useTestDatabase() };
  ids = await seedOutbound();
  server = await startSubmissionServer({
    port: 0,
    host: "127.0.0.1",
    hostname: "mail.example.com",
    tls: await loadTlsCredentials({
      dataDir: scratchDir("yubin-app-pw-"),
      hostname: "mail.example.com",
    }),
    implicitTls: false,
    backend: submissionStoreBackend("mail.example.com"),
    log: () => {},
  });
});

afterAll(async () => {
  await server?.close();
});

const login = (name: string, password: string, remoteAddress = "192.0.2.1") =>
  verifyProtocolCredentials({ login: name, password, remoteAddress });

describe("creating app passwords", () => {
  it("returns a secret of four groups once and keeps only a prefixed argon2id hash, audited", async () => {
    const {
      info,
      secret,
      login: name,
    } = await createAppPassword({
      userEmail: "Alice@Example.com",
      label: "Thunderbird",
      actorId: null,
    });
    expect(secret).toMatch(SECRET_SHAPE);
    expect(name).toBe("alice@example.com");
    expect(info).toMatchObject({ label: "Thunderbird", userEmail: "alice@example.com", mailboxAddress: null });
    const row = await db().appPassword.findUniqueOrThrow({ where: { id: info.id } });
    // The first group is the non-secret lookup prefix; the same argon2id parameters as user passwords.
    expect(row.hash).toMatch(/^[a-z]{4}:\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.hash.slice(0, 4)).toBe(secret.slice(0, 4));
    expect(row.hash).not.toContain(secret.replace(/-/g, ""));
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { action: "app_password.create", subjectId: String(info.id) },
    });
    expect(audit.after).toMatchObject({ user: "alice@example.com", mailbox: null, label: "Thunderbird" });
  });

  it("gives every active app password of a user its own lookup prefix", async () => {
    const secrets = [];
    for (let i = 0; i < 4; i++)
      secrets.push((await createAppPassword({ userEmail: "bob@example.com", actorId: null })).secret);
    expect(new Set(secrets.map((s) => s.slice(0, 4))).size).toBe(4);
  });

  it("scopes to a mailbox only for its members, and refuses unknown users and mailboxes", async () => {
    await expect(
      createAppPassword({ userEmail: "bob@example.com", mailboxAddress: "support@example.com", actorId: null }),
    ).rejects.toThrow("bob@example.com is not a member of support@example.com");
    await expect(createAppPassword({ userEmail: "nobody@example.com", actorId: null })).rejects.toThrow(
      "no user nobody@example.com",
    );
    await expect(
      createAppPassword({ userEmail: "alice@example.com", mailboxAddress: "sales@example.com", actorId: null }),
    ).rejects.toThrow("no mailbox sales@example.com");
    await expect(
      createAppPassword({ userEmail: "alice@example.com", label: "x".repeat(101), actorId: null }),
    ).rejects.toThrow("label must be at most 100 characters");
  });

  it("recognises the secret with or without dashes, in any case", () => {
    expect(canonicalAppPassword("abcd-efgh-ijkl-mnop")).toBe("abcdefghijklmnop");
    expect(canonicalAppPassword("ABCD EFGH IJKL MNOP")).toBe("abcdefghijklmnop");
    expect(canonicalAppPassword("abcdefghijklmnop")).toBe("abcdefghijklmnop");
    expect(canonicalAppPassword("correct horse battery")).toBeNull();
    expect(canonicalAppPassword("abcd-efgh-ijkl-mno1")).toBeNull();
  });
});

describe("logging in with an app password", () => {
  it("accepts the user's app password and still the user's password, and records lastUsedAt", async () => {
    const { info, secret } = await createAppPassword({ userEmail: "alice@example.com", actorId: null });
    const result = await login("alice@example.com", secret);
    expect(result).toMatchObject({
      ok: true,
      login: "alice@example.com",
      mailboxId: null,
      appPasswordId: info.id,
      user: { id: ids.alice.id, email: "alice@example.com" },
    });
    expect(await login("ALICE@example.com", secret.replace(/-/g, " ").toUpperCase())).toMatchObject({ ok: true });
    expect(await login("alice@example.com", PASSWORD)).toMatchObject({ ok: true, appPasswordId: null });
    const row = await db().appPassword.findUniqueOrThrow({ where: { id: info.id } });
    expect(row.lastUsedAt).not.toBeNull();
    // The web sign-in takes only the real password.
    expect(await verifyCredentials({ email: "alice@example.com", password: secret })).toMatchObject({ ok: false });
  });

  it("refuses a wrong secret with the right prefix, and another user's secret", async () => {
    const { secret } = await createAppPassword({ userEmail: "alice@example.com", actorId: null });
    const wrong = `${secret.slice(0, 15)}${secret.at(-1) === "a" ? "b" : "a"}`;
    expect(await login("alice@example.com", wrong)).toEqual({ ok: false, reason: "invalid" });
    const bobs = await createAppPassword({ userEmail: "bob@example.com", actorId: null });
    expect(await login("alice@example.com", bobs.secret)).toEqual({ ok: false, reason: "invalid" });
  });

  it("logs a mailbox-scoped app password in as the mailbox, and only as the mailbox", async () => {
    const {
      info,
      secret,
      login: name,
    } = await createAppPassword({
      userEmail: "alice@example.com",
      mailboxAddress: "support@example.com",
      label: "POP3 fetcher",
      actorId: null,
    });
    expect(name).toBe("support@example.com");
    expect(await login("support@example.com", secret)).toMatchObject({
      ok: true,
      login: "support@example.com",
      mailboxId: ids.support.id,
      appPasswordId: info.id,
      user: { id: ids.alice.id },
    });
    expect(await login("alice@example.com", secret)).toEqual({ ok: false, reason: "invalid" });
    // An unscoped app password is not a login for a shared mailbox.
    const unscoped = await createAppPassword({ userEmail: "alice@example.com", actorId: null });
    expect(await login("support@example.com", unscoped.secret)).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a revoked app password, audited; revoking twice changes nothing", async () => {
    const { info, secret } = await createAppPassword({ userEmail: "alice@example.com", actorId: null });
    expect(await login("alice@example.com", secret)).toMatchObject({ ok: true });
    expect(await revokeAppPassword({ id: info.id, actorId: ids.alice.id })).toMatchObject({ alreadyRevoked: false });
    expect(await login("alice@example.com", secret)).toEqual({ ok: false, reason: "invalid" });
    expect(await revokeAppPassword({ id: info.id, actorId: null })).toMatchObject({ alreadyRevoked: true });
    expect(await db().auditEvent.count({ where: { action: "app_password.revoke", subjectId: String(info.id) } })).toBe(
      1,
    );
    await expect(revokeAppPassword({ id: 999_999, actorId: null })).rejects.toThrow("no app password 999999");
  });

  it("refuses app passwords of a disabled user", async () => {
    await createUser({ email: "dora@example.com", password: PASSWORD, actorId: null });
    const { secret } = await createAppPassword({ userEmail: "dora@example.com", actorId: null });
    await db().user.update({ where: { email: "dora@example.com" }, data: { disabled: true } });
    expect(await login("dora@example.com", secret)).toEqual({ ok: false, reason: "invalid" });
  });

  it("is throttled like passwords: after five failures from an address even the right app password is refused there", async () => {
    await createUser({ email: "carol@example.com", password: PASSWORD, actorId: null });
    const { secret } = await createAppPassword({ userEmail: "carol@example.com", actorId: null });
    for (let i = 0; i < 5; i++) {
      expect(await login("carol@example.com", "aaaa-bbbb-cccc-dddd", "192.0.2.77")).toMatchObject({ ok: false });
    }
    expect(await login("carol@example.com", secret, "192.0.2.77")).toEqual({ ok: false, reason: "throttled" });
    expect(await login("carol@example.com", PASSWORD, "192.0.2.77")).toEqual({ ok: false, reason: "throttled" });
    // The guesses locked their own address, not the account.
    expect(await login("carol@example.com", secret, "192.0.2.78")).toMatchObject({ ok: true });
  });

  it("lists a user's app passwords without secrets", async () => {
    const list = await listAppPasswords("alice@example.com");
    expect(list.length).toBeGreaterThanOrEqual(5);
    expect(list.some((e) => e.mailboxAddress === "support@example.com" && e.label === "POP3 fetcher")).toBe(true);
    expect(list.some((e) => e.revokedAt !== null)).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/argon2|hash/);
  });
});

describe("submission AUTH with app passwords", () => {
  async function session(user: string, pass: string) {
    const { client } = await SmtpClient.connect(server.port);
    expect((await client.send("EHLO client.example.net")).code).toBe(250);
    expect((await client.startTls()).code).toBe(220);
    expect((await client.send("EHLO client.example.net")).code).toBe(250);
    const reply = await client.send(`AUTH PLAIN ${plain(user, pass)}`);
    return { client, reply };
  }

  async function data(client: SmtpClient, body: string) {
    expect((await client.send("DATA")).code).toBe(354);
    client.write(body);
    return client.reply();
  }

  it("accepts the user's app password and sends as any address the user may use", async () => {
    const { secret } = await createAppPassword({ userEmail: "alice@example.com", actorId: null });
    const { client, reply } = await session("alice@example.com", secret);
    expect(reply.last).toMatch(/^235 /);
    expect((await client.send("MAIL FROM:<support@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<kana@customer.example>")).code).toBe(250);
    const sent = await data(client, "From: support@example.com\r\nSubject: app pw\r\n\r\nhello\r\n.\r\n");
    expect(sent.code).toBe(250);
    client.close();
  });

  it("lets a mailbox-scoped app password send only as that mailbox (553 5.7.1 otherwise)", async () => {
    const { secret } = await createAppPassword({
      userEmail: "alice@example.com",
      mailboxAddress: "support@example.com",
      actorId: null,
    });
    const { client, reply } = await session("support@example.com", secret);
    expect(reply.last).toMatch(/^235 /);
    // alice may send as herself with her password, but not in this session.
    expect((await client.send("MAIL FROM:<alice@example.com>")).last).toMatch(/^553 5\.7\.1 /);
    expect((await client.send("MAIL FROM:<support@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<kana@customer.example>")).code).toBe(250);
    // From: must be the mailbox too.
    const before = await db().outboundMessage.count();
    const refused = await data(client, "From: alice@example.com\r\nSubject: no\r\n\r\nx\r\n.\r\n");
    expect(refused.last).toMatch(/^553 5\.7\.1 /);
    expect(await db().outboundMessage.count()).toBe(before);

    expect((await client.send("MAIL FROM:<support@example.com>")).code).toBe(250);
    expect((await client.send("RCPT TO:<kana@customer.example>")).code).toBe(250);
    const sent = await data(
      client,
      "From: Example Support <support@example.com>\r\nSubject: scoped\r\nMessage-ID: <scoped-1@example.com>\r\n\r\nhi\r\n.\r\n",
    );
    expect(sent.code).toBe(250);
    client.close();
    const copy = await db().message.findFirstOrThrow({
      where: { messageIdHeader: "scoped-1@example.com" },
      include: { mailbox: true },
    });
    expect(copy.mailbox.address).toBe("support@example.com");
  });

  it("answers 535 5.7.8 to a revoked app password", async () => {
    const { info, secret } = await createAppPassword({ userEmail: "bob@example.com", actorId: null });
    const first = await session("bob@example.com", secret);
    expect(first.reply.last).toMatch(/^235 /);
    first.client.close();
    await revokeAppPassword({ id: info.id, actorId: null });
    const second = await session("bob@example.com", secret);
    expect(second.reply.last).toMatch(/^535 5\.7\.8 /);
    second.client.close();
  });
});

describe("yubin app-password", () => {
  it("adds (printing the secret once), lists and revokes", async () => {
    // A real `yubin` process adds; the checks after it run the same command code in this process.
    const add = await runCli(
      ["app-password", "add", "alice@example.com", "--mailbox", "support@example.com", "--label", "POP3 client"],
      env,
    );
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    const id = Number(/added app password (\d+) for alice@example\.com/.exec(add.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(add.stdout).toMatch(/^login: +support@example\.com$/m);
    const secret = /^password: +(\S+)$/m.exec(add.stdout)?.[1] as string;
    expect(secret).toMatch(SECRET_SHAPE);
    expect(await login("support@example.com", secret)).toMatchObject({ ok: true, mailboxId: ids.support.id });

    const list = await runCliInProcess(["app-password", "list", "alice@example.com"], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\tPOP3 client\\tmailbox support@example\\.com\\t.*\\tactive$`, "m"));
    expect(list.stdout).not.toContain(secret);

    const revoke = await runCliInProcess(["app-password", "revoke", String(id)], env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`revoked app password ${id}`);
    expect(await login("support@example.com", secret)).toEqual({ ok: false, reason: "invalid" });
    const again = await runCliInProcess(["app-password", "list", "alice@example.com"], env);
    expect(again.stdout).toMatch(new RegExp(`^${id}\\tPOP3 client\\t.*\\trevoked \\S+$`, "m"));
  });

  it("explains mistakes", async () => {
    const notMember = await runCliInProcess(
      ["app-password", "add", "bob@example.com", "--mailbox", "support@example.com"],
      env,
    );
    expect(notMember.code).toBe(1);
    expect(notMember.stderr).toContain("bob@example.com is not a member of support@example.com");
    const badId = await runCliInProcess(["app-password", "revoke", "abc"], env);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('"abc" is not an app password id');
    const missing = await runCliInProcess(["app-password", "revoke", "424242"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no app password 424242");
    const noVerb = await runCliInProcess(["app-password"], env);
    expect(noVerb.code).toBe(2);
  });
});
