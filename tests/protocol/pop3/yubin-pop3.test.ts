// POP3 in a started Yubin, end to end: mail delivered to the MX over SMTP,
// fetched with Python's poplib byte for byte (lines that begin with ".",
// 8-bit Japanese), the delete policy freeing quota, the keep policy leaving
// the team's mailbox whole, the policy switched with `yubin mailbox pop3`,
// one session per maildrop and login across two mail processes, and the
// crash case: the process killed after DELE and before QUIT deletes nothing
// and leaves no lock behind.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppPassword } from "../../../server/auth/app-passwords.ts";
import { sql } from "../../../server/db/raw-sql.ts";
import { db, disconnectDb } from "../../../server/db.ts";
import { createUser } from "../../../server/users/create-user.ts";
import { runCli, runCliInProcess } from "../../support/cli.ts";
import { useTestDatabase } from "../../support/database.ts";
import { type DnsServer, startDnsServer } from "../../support/dns-server.ts";
import { deliverToYubin } from "../../support/mail-app.ts";
import { waitFor } from "../../support/wait.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../../support/yubin-process.ts";
import { DOTTED, JAPANESE, plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { expectTranscript } from "./support/transcript.ts";

const run = promisify(execFile);
const POPLIB = path.join(import.meta.dirname, "support/poplib-client.py");
const ADMIN = { email: "admin@example.com", password: "pop3 admin password" };
const KANA = { email: "kana@example.com", password: "kana pop3 password" };
const SENT = [plainMessage("hello"), DOTTED, JAPANESE];

interface Started {
  yubin: YubinProcess;
  pop3: number;
  pop3s: number;
}

let url = "";
let dns: DnsServer;
let smtpPort = 0;
let dataDir = "";
let first: Started;
let second: Started;

/** A mail-role Yubin on the test database, with POP3 on both ports (and the MX when `smtp`). */
async function startMail(options: { smtp?: boolean; dataDir?: string } = {}): Promise<Started> {
  const pop3 = await freePort();
  const pop3s = await freePort();
  const yubin = await startYubinProcess({
    roles: "mail",
    dataDir: options.dataDir,
    env: {
      DATABASE_URL: url,
      YUBIN_HOSTNAME: "localhost",
      YUBIN_ADMIN_EMAIL: ADMIN.email,
      YUBIN_ADMIN_PASSWORD: ADMIN.password,
      YUBIN_DNS_SERVERS: dns.address,
      YUBIN_SMTP_PORT: options.smtp ? String(smtpPort) : "0",
      YUBIN_POP3_PORT: String(pop3),
      YUBIN_POP3S_PORT: String(pop3s),
    },
  });
  return { yubin, pop3, pop3s };
}

beforeAll(async () => {
  url = await useTestDatabase();
  dns = await startDnsServer({});
  smtpPort = await freePort();
  first = await startMail({ smtp: true });
  dataDir = first.yubin.dataDir;
  // A second mail process on the same database: locks must hold across processes.
  second = await startMail();
  await createUser({ email: KANA.email, password: KANA.password, actorId: null });
});

afterAll(async () => {
  await first?.yubin.stop();
  await second?.yubin.stop();
  await dns?.close();
  await disconnectDb();
});

async function mailboxId(address: string): Promise<number> {
  return (await db().mailbox.findUniqueOrThrow({ where: { address } })).id;
}

/** Sends SENT to `to` through the MX, as a customer's server would, and waits until all are stored. */
async function deliverAll(to: string): Promise<void> {
  const id = await mailboxId(to);
  const before = await db().message.count({ where: { mailboxId: id } });
  for (const raw of SENT) {
    await deliverToYubin(smtpPort, { envelope: { from: "customer@customer.example", to: [to] }, raw });
  }
  await waitFor(`${SENT.length} messages in ${to}`, async () => {
    return (await db().message.count({ where: { mailboxId: id } })) === before + SENT.length;
  });
}

/** The stored blobs of a mailbox's INBOX, in UID order: what POP3 must send. */
async function storedInbox(address: string): Promise<Buffer[]> {
  const rows = await sql.$queryRaw<{ bytes: Buffer }[]>`
    select b.bytes from "FolderMessage" fm join "Folder" f on f.id = fm."folderId"
    join "Message" m on m.id = fm."messageId" join "Blob" b on b.sha256 = m."blobSha256"
    where f."mailboxId" = ${await mailboxId(address)}::int and f.name = 'INBOX' order by fm.uid`;
  return rows.map((r) => r.bytes);
}

async function usage(address: string) {
  const box = await db().mailbox.findUniqueOrThrow({ where: { address } });
  return { bytes: Number(box.usedBytes), messages: box.usedMessages };
}

interface PoplibResult {
  stat: [number, number];
  list: string[];
  messages: { octets: number; raw: string }[];
  quit: string;
}

async function poplib(config: {
  port: number;
  mode: "plain" | "ssl";
  user: string;
  password: string;
  delete?: boolean;
}) {
  const cafile = path.join(dataDir, "tls", "localhost", "cert.pem");
  const { stdout } = await run("python3", [POPLIB, JSON.stringify({ host: "localhost", cafile, ...config })]);
  return JSON.parse(stdout) as PoplibResult;
}

async function heldLocks(): Promise<number> {
  const [row] = await sql.$queryRaw<{ count: number }[]>`
    select count(*)::int as count from pg_locks
    where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`;
  return row?.count ?? 0;
}

async function login(port: number, user: string, password: string): Promise<{ client: Pop3Client; reply: string }> {
  const { client } = await Pop3Client.connect(port);
  await expectTranscript(client, `C: USER ${user}\nS~ ^\\+OK`);
  return { client, reply: await client.send(`PASS ${password}`) };
}

// Real processes (Yubin, the CLI, poplib) on a machine that may be loaded.
describe("POP3 in a started Yubin", { timeout: 180_000 }, () => {
  it("prints both listeners in the ready banner", () => {
    expect(first.yubin.output()).toMatch(new RegExp(`pop3: localhost:${first.pop3}\\b`));
    expect(first.yubin.output()).toMatch(new RegExp(`pop3s: localhost:${first.pop3s}\\b`));
  });

  it("serves mail delivered over SMTP byte for byte to poplib, and a personal mailbox's delete frees its quota", async () => {
    await deliverAll(KANA.email);
    const stored = await storedInbox(KANA.email);
    const before = await usage(KANA.email);
    expect(before).toEqual({ bytes: stored.reduce((sum, raw) => sum + raw.length, 0), messages: SENT.length });

    const result = await poplib({
      port: first.pop3s,
      mode: "ssl",
      user: KANA.email,
      password: KANA.password,
      delete: true,
    });
    const received = result.messages.map((m) => Buffer.from(m.raw, "base64"));
    // What the MX stored (its trace fields, then the customer's bytes untouched) is what POP3 sends.
    expect(received).toEqual(stored);
    received.forEach((raw, i) => {
      const sent = SENT[i] as Buffer;
      expect(raw.subarray(raw.length - sent.length).equals(sent)).toBe(true);
    });
    expect(result.list.map((line) => Number(line.split(" ")[1]))).toEqual(stored.map((raw) => raw.length));
    expect(result.messages.map((m) => m.octets)).toEqual(stored.map((raw) => raw.length));
    expect(result.stat).toEqual([SENT.length, before.bytes]);
    expect(result.quit).toMatch(/3 messages deleted/);

    // The personal mailbox's default policy is delete: gone, quota freed exactly, conversations gone
    // (kept hidden, with the messages, as restorable deleted mail: server/recovery/).
    expect(await usage(KANA.email)).toEqual({ bytes: 0, messages: 0 });
    expect(await db().conversation.count({ where: { mailboxId: await mailboxId(KANA.email), deletedAt: null } })).toBe(
      0,
    );
    const audit = await db().auditEvent.count({
      where: { action: "message.expunge", after: { path: ["door"], equals: "pop3" } },
    });
    expect(audit).toBe(SENT.length);
  });

  it("keeps a shared mailbox whole under keep: hidden from that login only, and `yubin mailbox pop3` switches to delete", async () => {
    await deliverAll("support@example.com");
    const support = await mailboxId("support@example.com");
    const mine = await createAppPassword({ userEmail: ADMIN.email, mailboxId: support, actorId: null });
    await db().membership.create({
      data: { mailboxId: support, userId: (await db().user.findUniqueOrThrow({ where: { email: KANA.email } })).id },
    });
    const colleague = await createAppPassword({ userEmail: KANA.email, mailboxId: support, actorId: null });
    const before = await usage("support@example.com");

    const fetched = await poplib({
      port: first.pop3,
      mode: "plain",
      user: "support@example.com",
      password: mine.secret,
      delete: true,
    });
    expect(fetched.stat[0]).toBe(SENT.length);
    expect(fetched.quit).toMatch(/3 messages deleted/);
    // Nothing changed for the team (browser, IMAP): every message, every byte of quota.
    expect(await storedInbox("support@example.com")).toHaveLength(SENT.length);
    expect(await usage("support@example.com")).toEqual(before);
    // This login sees nothing more; a colleague's client still downloads everything.
    expect(
      (await poplib({ port: second.pop3, mode: "plain", user: "support@example.com", password: mine.secret })).stat,
    ).toEqual([0, 0]);
    expect(
      (await poplib({ port: second.pop3, mode: "plain", user: "support@example.com", password: colleague.secret }))
        .stat[0],
    ).toBe(SENT.length);

    const cli = await runCli(["mailbox", "pop3", "support@example.com", "--on-delete", "delete"], {
      DATABASE_URL: url,
    });
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toMatch(/support@example.com: POP3 DELE now deletes the message at QUIT/);
    expect(cli.code).toBe(0);
    const shown = await runCliInProcess(["mailbox", "pop3", "support@example.com"], { DATABASE_URL: url });
    expect(shown.stdout).toMatch(/deletes the message at QUIT \(set by an admin\)/);
    expect(await db().auditEvent.count({ where: { action: "mailbox.pop3" } })).toBe(1);
    const bad = await runCliInProcess(["mailbox", "pop3", "support@example.com", "--on-delete", "sometimes"], {
      DATABASE_URL: url,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--on-delete must be keep or delete/);

    const deleted = await poplib({
      port: first.pop3,
      mode: "plain",
      user: "support@example.com",
      password: colleague.secret,
      delete: true,
    });
    expect(deleted.quit).toMatch(/3 messages deleted/);
    expect(await storedInbox("support@example.com")).toEqual([]);
    expect(await usage("support@example.com")).toEqual({ bytes: 0, messages: 0 });
  });

  it("refuses a second session of one login with -ERR [IN-USE], in the same process and in another", async () => {
    await deliverAll(KANA.email);
    const { client: holder, reply } = await login(first.pop3, KANA.email, KANA.password);
    expect(reply).toMatch(/^\+OK Logged in, 3 messages/);
    for (const port of [first.pop3, second.pop3]) {
      const { client, reply: refused } = await login(port, KANA.email, KANA.password);
      expect(refused).toBe("-ERR [IN-USE] Maildrop is in use by another session");
      client.close();
    }
    await expectTranscript(holder, "C: QUIT\nS~ ^\\+OK");
    await holder.closed();
    const { client: next, reply: again } = await login(second.pop3, KANA.email, KANA.password);
    expect(again).toMatch(/^\+OK Logged in/);
    await expectTranscript(next, "C: QUIT\nS~ ^\\+OK");
    await next.closed();
  });

  it("deletes nothing when the process is killed after DELE and before QUIT, and its lock dies with it", async () => {
    const stored = await storedInbox(KANA.email);
    expect(stored).toHaveLength(SENT.length);
    const before = await usage(KANA.email);
    const { client, reply } = await login(first.pop3, KANA.email, KANA.password);
    expect(reply).toMatch(/^\+OK Logged in, 3 messages/);
    await expectTranscript(client, "C: DELE 1\nS~ ^\\+OK\nC: DELE 2\nS~ ^\\+OK\nC: DELE 3\nS~ ^\\+OK");
    // Held by the killed process's connection: the other process must refuse until PostgreSQL drops it.
    const refused = await login(second.pop3, KANA.email, KANA.password);
    expect(refused.reply).toMatch(/IN-USE/);
    refused.client.close();

    expect(await first.yubin.stop("SIGKILL")).toBe(null);
    await client.closed();
    await waitFor("the dead process's lock to be released", async () => (await heldLocks()) === 0);
    expect(await storedInbox(KANA.email)).toEqual(stored);
    expect(await usage(KANA.email)).toEqual(before);

    const { client: other, reply: opened } = await login(second.pop3, KANA.email, KANA.password);
    expect(opened).toMatch(/^\+OK Logged in, 3 messages/);
    await expectTranscript(other, "C: QUIT\nS~ ^\\+OK");
    await other.closed();

    first = await startMail({ smtp: true, dataDir });
    const result = await poplib({ port: first.pop3, mode: "plain", user: KANA.email, password: KANA.password });
    expect(result.messages.map((m) => Buffer.from(m.raw, "base64"))).toEqual(stored);
  });
});
