// The connector against a real Dovecot on loopback (support/dovecot.ts), mail
// put in with APPEND (the 1,000 written as its LDA writes them): an initial import of
// 1,000 messages (some already read on the server) with no duplicate and no
// miss; new mail during IDLE; a UIDVALIDITY reset that re-imports only what
// is missing and not a conversation deleted in Yubin; a connection killed
// mid-import and resumed; two runners competing for one connector and the
// lease moving when its holder dies; a malformed message stored raw once;
// wrong password, bad certificate, unreachable port, unknown host and a
// missing folder each reported with the step that failed.
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ConnectorRunner } from "../../../mail-daemons/connector/connector-runner.ts";
import { operatorMailbox } from "../../../server/access/gate.ts";
import { type ConnectorSettings, getConnector } from "../../../server/connectors/connector-admin.ts";
import { testConnection } from "../../../server/connectors/test-connection.ts";
import { sql } from "../../../server/db/raw-sql.ts";
import { deleteMail } from "../../../server/recovery/delete-mail.ts";
import { type ConnectorFixture, connectorFixture, remoteMails } from "../../support/connector-fixture.ts";
import { useTestDatabase } from "../../support/database.ts";
import { type Dovecot, dovecotMissing, startDovecot } from "../../support/dovecot.ts";
import { customerMail, makeDomain, makeUser } from "../../support/factories.ts";
import { waitFor } from "../../support/wait.ts";
import { scratchDir } from "../../support/yubin-process.ts";

const missing = dovecotMissing();
if (missing) console.warn(missing);

const PASSWORD = "remote-secret-1";
const USERS = ["bulk", "live", "reset", "cut", "race", "odd", "twin", "burst"].map((u) => `${u}@remote.example`);
const dataDir = scratchDir("connector-data-");
let dovecot: Dovecot;
let fx: ConnectorFixture;
const runner = (extra?: Parameters<ConnectorFixture["runner"]>[0]) => fx.runner(extra);
const stopRunner = (r: ConnectorRunner) => fx.stopRunner(r);
const connect = (user: string, extra?: Partial<ConnectorSettings>) => fx.connect(user, extra);
const mails = remoteMails;

async function stored(mailboxId: number) {
  const rows = await sql.$queryRaw<{ total: number; ids: number; deleted: number }[]>`
    select count(*)::int as total, count(distinct "messageIdHeader")::int as ids,
      count(*) filter (where "deletedAt" is not null)::int as deleted
    from "Message" where "mailboxId" = ${mailboxId}::int`;
  return rows[0] as { total: number; ids: number; deleted: number };
}

describe.skipIf(missing !== null)("connector against Dovecot", () => {
  beforeAll(async () => {
    await useTestDatabase();
    await makeDomain("example.com");
    await makeUser("agent@example.com");
    dovecot = await startDovecot(Object.fromEntries(USERS.map((u) => [u, PASSWORD])));
    fx = connectorFixture({ dovecot, dataDir, password: PASSWORD, addressPrefix: "box" });
  }, 30_000);

  // Each test's runners stop with it: a runner left over would take up the next test's connectors.
  afterEach(async () => {
    await fx?.stopAll();
  });

  afterAll(async () => {
    await dovecot?.stop();
  });

  it("imports 1,000 messages once each, mail already read remotely included, threaded, with the remote folder recorded", async () => {
    const [user] = USERS as [string];
    const unread = mails(700, "Bulk");
    const read = mails(300, "Read");
    // Written as Dovecot's LDA would (APPENDing 1,000 one by one takes longer than importing them).
    dovecot.fillInbox(user, unread);
    dovecot.fillInbox(user, read, { seen: true });
    // A reply to the first message: it joins that conversation, as it would over SMTP.
    const first = unread[0]?.toString().match(/Message-ID: <([^>]+)>/)?.[1];
    await dovecot.append(user, "INBOX", [
      customerMail({ subject: "Re: Bulk 0", headers: [`In-Reply-To: <${first}>`, `References: <${first}>`] }).raw,
    ]);
    const c = await connect(user);
    const r = runner();
    await waitFor("1,001 imported", async () => (await getConnector(c.id)).imported === 1001, 50_000);
    expect(await stored(c.mailboxId)).toEqual({ total: 1001, ids: 1001, deleted: 0 });
    const view = await getConnector(c.id);
    expect(view).toMatchObject({ status: "idle", lastError: null, scanTotal: 1001, scanDone: 1001 });
    expect(view.lastSyncAt).not.toBeNull();
    const [reply] = await sql.$queryRaw<{ threadReason: string; count: number }[]>`
      select m."threadReason"::text as "threadReason", c."messageCount" as count from "Message" m
      join "Conversation" c on c.id = m."conversationId" where m.subject = 'Re: Bulk 0' and m."mailboxId" = ${c.mailboxId}::int`;
    expect(reply).toMatchObject({ count: 2 });
    expect(reply?.threadReason).not.toBe("new");
    const folders = await sql.$queryRaw<{ folder: string; uidValidity: bigint; n: number }[]>`
      select folder, "uidValidity", count(*)::int as n from "ConnectorMessage" where "connectorId" = ${c.id}::int
      group by folder, "uidValidity"`;
    expect(folders).toEqual([expect.objectContaining({ folder: "INBOX", n: 1001 })]);
    const [state] = await sql.$queryRaw<{ lastUid: bigint; highestModseq: bigint | null }[]>`
      select "lastUid", "highestModseq" from "ConnectorFolder" where "connectorId" = ${c.id}::int`;
    expect(state?.lastUid).toBe(1001n);
    expect(state?.highestModseq).not.toBeNull(); // Dovecot offers CONDSTORE
    // Nothing was marked \Seen remotely by the import (EXAMINE, read-only).
    const remote = await dovecot.client(user);
    await remote.mailboxOpen("INBOX", { readOnly: true });
    expect((await remote.search({ seen: true }, { uid: true })) || []).toHaveLength(300);
    await remote.logout();
    await stopRunner(r);
  }, 60_000);

  it("imports new mail arriving during IDLE within seconds", async () => {
    const user = USERS[1] as string;
    await dovecot.append(user, "INBOX", mails(3, "Early"));
    const c = await connect(user);
    runner();
    await waitFor(
      "3 imported",
      async () => (await getConnector(c.id)).status === "idle" && (await getConnector(c.id)).imported === 3,
    );
    const started = Date.now();
    await dovecot.append(user, "INBOX", mails(1, "Live"));
    await waitFor("the new message", async () => (await stored(c.mailboxId)).total === 4, 10_000);
    // IDLE, not the 60 s poll the runner was given.
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 20_000);

  it("takes new mail during IDLE the direct way, and a burst of more than a batch, each message once and in UID order", async () => {
    const user = USERS[7] as string;
    await dovecot.append(user, "INBOX", mails(2, "Start"));
    const c = await connect(user);
    const lines: string[] = [];
    runner({ batchSize: 5, log: (line) => lines.push(line) });
    await waitFor("2 imported, idle", async () => {
      const v = await getConnector(c.id);
      return v.status === "idle" && v.imported === 2;
    });
    // "idle" is reported just before IDLE begins: mail in between is found by a full pass instead.
    await new Promise((r) => setTimeout(r, 500));
    // One at a time, each waited for: each is fetched and stored straight from IDLE.
    for (let i = 0; i < 3; i++) {
      await dovecot.append(user, "INBOX", mails(1, `One ${i}`));
      await waitFor(`message ${i} stored`, async () => (await stored(c.mailboxId)).total === 3 + i, 10_000);
    }
    // At least two of the three, however slow this machine is between "idle" and IDLE.
    expect(lines.filter((l) => l.endsWith("(IDLE)")).length).toBeGreaterThanOrEqual(2);
    // Twelve over one session as fast as it goes: announced more than a batch (5) at once, a full pass takes them.
    const sender = await dovecot.client(user);
    for (const raw of mails(12, "Burst")) await sender.append("INBOX", raw);
    await sender.logout();
    await waitFor("17 stored", async () => (await stored(c.mailboxId)).total === 17, 20_000);
    await waitFor("idle", async () => (await getConnector(c.id)).status === "idle");
    expect(await stored(c.mailboxId)).toEqual({ total: 17, ids: 17, deleted: 0 });
    const records = await sql.$queryRaw<{ uid: bigint; outcome: string }[]>`
      select uid, outcome from "ConnectorMessage" where "connectorId" = ${c.id}::int order by uid`;
    expect(records.map((r) => [Number(r.uid), r.outcome])).toEqual(
      Array.from({ length: 17 }, (_, i) => [i + 1, "stored"]),
    );
    const [state] = await sql.$queryRaw<{ lastUid: bigint }[]>`
      select "lastUid" from "ConnectorFolder" where "connectorId" = ${c.id}::int`;
    expect(state?.lastUid).toBe(17n);
  }, 40_000);

  it("re-scans after a UIDVALIDITY change, importing only what is missing and not a conversation deleted in Yubin", async () => {
    const user = USERS[2] as string;
    const batch = mails(5, "Reset");
    await dovecot.append(user, "Support", batch);
    const c = await connect(user, { folders: ["Support"] });
    let r = runner();
    await waitFor("5 imported", async () => (await stored(c.mailboxId)).total === 5);
    await stopRunner(r);
    const [before] = await sql.$queryRaw<{ uidValidity: bigint }[]>`
      select "uidValidity" from "ConnectorFolder" where "connectorId" = ${c.id}::int`;
    // Deleted in Yubin: the first one.
    const mailboxId = await operatorMailbox(c.address);
    const [victim] = await sql.$queryRaw<{ id: number }[]>`
      select id from "Message" where "mailboxId" = ${c.mailboxId}::int and subject = 'Reset 0'`;
    await deleteMail({
      mailboxId: mailboxId as never,
      select: { messageIds: [victim?.id as number] },
      actorId: null,
      door: "cli",
    });
    // The folder is recreated on the server: new UIDVALIDITY, the same five messages plus one new.
    const remote = await dovecot.client(user);
    await remote.mailboxDelete("Support");
    await remote.logout();
    await new Promise((res) => setTimeout(res, 1100)); // Dovecot's UIDVALIDITY is a time in seconds
    await dovecot.append(user, "Support", [...batch, ...mails(1, "After reset")]);
    r = runner();
    await waitFor("the new one imported", async () => (await stored(c.mailboxId)).total === 6);
    await waitFor("the rescan finished", async () => (await getConnector(c.id)).status === "idle");
    const [after] = await sql.$queryRaw<{ uidValidity: bigint; lastUid: bigint }[]>`
      select "uidValidity", "lastUid" from "ConnectorFolder" where "connectorId" = ${c.id}::int`;
    expect(after?.uidValidity).not.toBe(before?.uidValidity);
    expect(after?.lastUid).toBe(6n);
    expect(await stored(c.mailboxId)).toEqual({ total: 6, ids: 6, deleted: 1 });
    await stopRunner(r);
  }, 20_000);

  it("resumes an import whose connection was killed midway with no duplicate and no gap", async () => {
    const user = USERS[3] as string;
    await dovecot.append(user, "INBOX", mails(300, "Cut"));
    // A proxy that drops every connection after ~20 KB from the server, three times.
    let cuts = 0;
    const proxy = net.createServer((client) => {
      const upstream = net.connect(dovecot.imapsPort, "127.0.0.1");
      let bytes = 0;
      upstream.on("data", (d) => {
        bytes += d.length;
        if (cuts < 3 && bytes > 20_000) {
          cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(d);
      });
      client.on("data", (d) => upstream.write(d));
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((res) => proxy.listen(0, "127.0.0.1", res));
    const port = (proxy.address() as net.AddressInfo).port;
    const c = await connect(user, { host: "127.0.0.1", port });
    runner({ batchSize: 20 });
    await waitFor("300 imported", async () => (await stored(c.mailboxId)).total === 300, 20_000);
    await waitFor("idle", async () => (await getConnector(c.id)).status === "idle");
    expect(cuts).toBe(3);
    expect(await stored(c.mailboxId)).toEqual({ total: 300, ids: 300, deleted: 0 });
    const [uids] = await sql.$queryRaw<{ n: number; min: bigint; max: bigint }[]>`
      select count(distinct uid)::int as n, min(uid) as min, max(uid) as max from "ConnectorMessage"
      where "connectorId" = ${c.id}::int`;
    expect(uids).toEqual({ n: 300, min: 1n, max: 300n });
    proxy.close();
  }, 30_000);

  it("lets exactly one of two runners hold a connector, and moves it when the holder dies", async () => {
    const user = USERS[4] as string;
    await dovecot.append(user, "INBOX", mails(50, "Race"));
    const c = await connect(user);
    const a = runner({ owner: "node-a", leaseMs: 1_000 });
    const b = runner({ owner: "node-b", leaseMs: 1_000 });
    await waitFor("50 imported", async () => (await stored(c.mailboxId)).total === 50);
    await waitFor("idle", async () => (await getConnector(c.id)).status === "idle");
    const holders = [a, b].filter((r) => r.running().includes(c.id));
    expect(holders).toHaveLength(1);
    const [holder, other] = holders[0] === a ? [a, b] : [b, a];
    // The holder "dies": its connection ends and its lease is left to run out, never given back.
    await holder.abandon();
    fx.forget(holder);
    expect((await getConnector(c.id)).owner).toBe(holder.owner);
    expect(other.running()).not.toContain(c.id);
    await waitFor("the other runner takes over", () => other.running().includes(c.id), 5_000);
    await dovecot.append(user, "INBOX", mails(1, "After takeover"));
    await waitFor("51 imported", async () => (await stored(c.mailboxId)).total === 51);
    expect((await getConnector(c.id)).owner).toBe(other.owner);
    expect(await stored(c.mailboxId)).toEqual({ total: 51, ids: 51, deleted: 0 });
  }, 20_000);

  it("stores a malformed message raw, once, and goes on with the next", async () => {
    const user = USERS[5] as string;
    const broken = readFileSync(new URL("../../fixtures/mail/too-many-parts.eml", import.meta.url));
    await dovecot.append(user, "INBOX", [mails(1, "Before")[0] as Buffer, broken, mails(1, "After")[0] as Buffer]);
    const c = await connect(user, { folders: ["INBOX", "Missing"] });
    runner();
    await waitFor("3 stored", async () => (await stored(c.mailboxId)).total === 3);
    const [raw] = await sql.$queryRaw<{ parseError: string | null }[]>`
      select "parseError" from "Message" where "mailboxId" = ${c.mailboxId}::int and "parseError" is not null`;
    expect(raw?.parseError).toMatch(/MIME parts/);
    // One folder missing on the server does not stop the other: its error is its own.
    // The folder's error is written when that folder fails; the connector's own at the end of the cycle.
    await waitFor("the folder error", async () => {
      const v = await getConnector(c.id);
      return v.folderErrors.length === 1 && v.lastError !== null;
    });
    const view = await getConnector(c.id);
    expect(view.folderErrors[0]).toMatchObject({ folder: "Missing" });
    expect(view.lastError).toMatch(/Folder: "Missing" cannot be opened/);
    expect(view.imported).toBe(3);
  }, 20_000);

  it("stores a message that is twice in one batch (a trace field apart) once, the other a duplicate", async () => {
    const user = USERS[6] as string;
    const twin = customerMail({ subject: "Twin", messageId: "twin.1@customer.example" }).raw;
    const relayed = Buffer.concat([
      Buffer.from("Received: from relay.example by mx.example; Fri, 4 Dec 2026 10:00:00 +0000\r\n"),
      twin,
    ]);
    // One batch: the mailbox's state for both is read before either is written (readMailboxStates).
    await dovecot.append(user, "INBOX", [twin, relayed, mails(1, "Single")[0] as Buffer]);
    const c = await connect(user);
    runner();
    await waitFor("idle with 3 looked at", async () => {
      const v = await getConnector(c.id);
      return v.status === "idle" && v.scanDone === 3;
    });
    expect(await stored(c.mailboxId)).toEqual({ total: 2, ids: 2, deleted: 0 });
    const outcomes = await sql.$queryRaw<{ uid: bigint; outcome: string; same: boolean }[]>`
      select uid, outcome, "messageId" = (select min("messageId") from "ConnectorMessage" where "connectorId" = ${c.id}::int) as same
      from "ConnectorMessage" where "connectorId" = ${c.id}::int order by uid`;
    expect(outcomes.map((o) => [o.outcome, o.same])).toEqual([
      ["stored", true],
      ["duplicate", true],
      ["stored", false],
    ]);
  }, 20_000);

  it("reports what failed: authentication, certificate, TCP, DNS, folder", async () => {
    const user = USERS[0] as string;
    const base = {
      ...fx.settings(user),
      checkCertificate: true,
      caPem: dovecot.certPem as string | null,
      folders: ["INBOX"],
    };
    const ok = await testConnection(base);
    expect(ok).toMatchObject({ ok: true, failedStep: null });
    const auth = await testConnection({ ...base, password: "wrong" });
    expect(auth).toMatchObject({ ok: false, failedStep: "auth" });
    expect(auth.message).toMatch(/^Authentication: localhost:\d+ refused the user name or password/);
    expect(auth.message).not.toContain("wrong");
    const cert = await testConnection({ ...base, caPem: null });
    expect(cert).toMatchObject({ ok: false, failedStep: "tls" });
    expect(cert.message).toMatch(/^TLS: .*certificate/i);
    const starttls = await testConnection({ ...base, port: dovecot.imapPort, tls: "starttls" });
    expect(starttls).toMatchObject({ ok: true });
    const closed = await new Promise<number>((res) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => res(p));
      });
    });
    const tcp = await testConnection({ ...base, host: "127.0.0.1", port: closed });
    expect(tcp).toMatchObject({ ok: false, failedStep: "tcp" });
    expect(tcp.message).toBe(`TCP: 127.0.0.1:${closed} refused the connection`);
    const dns = await testConnection({ ...base, host: "no-such-host.invalid" });
    expect(dns).toMatchObject({ ok: false, failedStep: "dns" });
    expect(dns.message).toMatch(/^DNS: the host name no-such-host.invalid could not be resolved/);
    const folder = await testConnection({ ...base, folders: ["INBOX", "Nope"] });
    expect(folder).toMatchObject({ ok: false, failedStep: "folder" });
    expect(folder.folders).toEqual([
      { name: "INBOX", messages: 1001, error: null },
      expect.objectContaining({ name: "Nope", messages: null }),
    ]);
  }, 30_000);

  it("records a wrong password as the connector's error and keeps trying with back-off", async () => {
    const user = USERS[1] as string;
    const c = await connect(user, { password: "not-the-password" });
    runner();
    await waitFor("the error", async () => (await getConnector(c.id)).status === "error");
    const view = await getConnector(c.id);
    expect(view.lastError).toMatch(/^Authentication: /);
    expect(view.lastErrorAt).not.toBeNull();
    expect(view.imported).toBe(0);
  });
});
