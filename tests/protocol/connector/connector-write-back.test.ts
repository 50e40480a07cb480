// Write-back to the remote mailbox (off by default) and editing a connector,
// against a real Dovecot on loopback (support/dovecot.ts): with write-back off
// the remote flags stay as they were; "seen on import" marks what was
// imported \Seen remotely; "move to folder" moves it there (UID MOVE) and it
// is not imported again; "seen on close" marks a message when its
// conversation is closed in Yubin, and not before. Editing keeps the sync
// state (no re-import) unless the user name changes, and the runner takes
// the new settings up without a restart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation } from "../../../server/access/gate.ts";
import { type ConnectorSettings, getConnector, updateConnector } from "../../../server/connectors/connector-admin.ts";
import { sql } from "../../../server/db/raw-sql.ts";
import { db } from "../../../server/db.ts";
import { changeStatus } from "../../../server/workflow/change-status.ts";
import { type ConnectorFixture, connectorFixture, remoteMails } from "../../support/connector-fixture.ts";
import { useTestDatabase } from "../../support/database.ts";
import { type Dovecot, dovecotMissing, startDovecot } from "../../support/dovecot.ts";
import { makeDomain, makeUser } from "../../support/factories.ts";
import { waitFor } from "../../support/wait.ts";
import { scratchDir } from "../../support/yubin-process.ts";

const missing = dovecotMissing();
if (missing) console.warn(missing);

const PASSWORD = "remote-secret-2";
const USERS = ["off", "seen", "move", "close", "edit", "edit2", "nowhere"].map((u) => `${u}@remote.example`);
const dataDir = scratchDir("connector-wb-");
let dovecot: Dovecot;
let agentId = 0;
let fx: ConnectorFixture;
const runner = (pollMs = 60_000, leaseMs?: number) => fx.runner({ pollMs, leaseMs });
const connect = (user: string, extra?: Partial<ConnectorSettings>) => fx.connect(user, extra);
const mails = remoteMails;

const storedCount = async (mailboxId: number) =>
  (
    await sql.$queryRaw<{ n: number }[]>`select count(*)::int as n from "Message" where "mailboxId" = ${mailboxId}::int`
  )[0]?.n ?? 0;

/** The remote folder's messages: subject and whether \Seen is set. */
async function remote(user: string, folder: string): Promise<{ subject: string; seen: boolean }[]> {
  const c = await dovecot.client(user);
  try {
    await c.mailboxOpen(folder, { readOnly: true });
    const out: { subject: string; seen: boolean }[] = [];
    for await (const m of c.fetch("1:*", { envelope: true, flags: true })) {
      out.push({ subject: m.envelope?.subject ?? "", seen: m.flags?.has("\\Seen") ?? false });
    }
    return out.sort((a, b) => a.subject.localeCompare(b.subject));
  } catch (e) {
    if ((e as { responseText?: string }).responseText?.includes("exist")) return [];
    throw e;
  } finally {
    await c.logout().catch(() => {});
  }
}

const idleWith = (id: number, imported: number) =>
  waitFor(`${imported} imported, idle`, async () => {
    const v = await getConnector(id);
    return v.status === "idle" && v.imported === imported;
  });

describe.skipIf(missing !== null)("connector write-back and edit against Dovecot", () => {
  beforeAll(async () => {
    await useTestDatabase();
    await makeDomain("example.com");
    agentId = await makeUser("agent@example.com");
    dovecot = await startDovecot(Object.fromEntries(USERS.map((u) => [u, PASSWORD])));
    fx = connectorFixture({ dovecot, dataDir, password: PASSWORD, addressPrefix: "wb" });
  }, 30_000);

  afterEach(async () => {
    await fx?.stopAll();
    await sql.$queryRaw`update "Connector" set paused = true`;
  });

  afterAll(async () => {
    await dovecot?.stop();
  });

  it("leaves remote flags untouched with write-back off (the default)", async () => {
    const user = USERS[0] as string;
    await dovecot.append(user, "INBOX", mails(2, "Unread"));
    await dovecot.append(user, "INBOX", mails(1, "Already read"), ["\\Seen"]);
    const c = await connect(user);
    expect(c).toMatchObject({ markSeen: "off", moveTo: null, relay: null });
    runner();
    await idleWith(c.id, 3);
    expect(await remote(user, "INBOX")).toEqual([
      { subject: "Already read 0", seen: true },
      { subject: "Unread 0", seen: false },
      { subject: "Unread 1", seen: false },
    ]);
  }, 20_000);

  it("marks imported messages \\Seen remotely with seen-on-import", async () => {
    const user = USERS[1] as string;
    await dovecot.append(user, "INBOX", mails(3, "Mark"));
    const c = await connect(user, { markSeen: "imported" });
    runner();
    await idleWith(c.id, 3);
    await waitFor("all seen remotely", async () => (await remote(user, "INBOX")).every((m) => m.seen));
    expect(await remote(user, "INBOX")).toHaveLength(3);
    const [left] = await sql.$queryRaw<{ pending: number; seen: number }[]>`
      select count(*) filter (where "writeBackPending")::int as pending,
        count(*) filter (where "remoteSeenAt" is not null)::int as seen
      from "ConnectorMessage" where "connectorId" = ${c.id}::int`;
    expect(left).toEqual({ pending: 0, seen: 3 });
  }, 20_000);

  it("moves imported messages to the named folder, and they are not imported again", async () => {
    const user = USERS[2] as string;
    await dovecot.append(user, "Imported", []); // the target folder exists, empty
    await dovecot.append(user, "INBOX", mails(3, "Move"));
    const c = await connect(user, { moveTo: "Imported" });
    runner(300);
    await idleWith(c.id, 3);
    await waitFor("moved", async () => (await remote(user, "INBOX")).length === 0);
    expect((await remote(user, "Imported")).map((m) => m.subject)).toEqual(["Move 0", "Move 1", "Move 2"]);
    // Moving never marks them read (that is the other setting).
    expect((await remote(user, "Imported")).some((m) => m.seen)).toBe(false);
    await dovecot.append(user, "INBOX", mails(1, "Later"));
    await waitFor("the later one moved", async () => (await remote(user, "Imported")).length === 4);
    // Several more passes (every 300 ms) and still each message once.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await storedCount(c.mailboxId)).toBe(4);
    expect((await getConnector(c.id)).imported).toBe(4);
    const rows = await db().connectorMessage.findMany({ where: { connectorId: c.id } });
    expect(rows.map((r) => [r.movedTo, r.movedUid !== null, r.writeBackPending])).toEqual(
      Array(4).fill(["Imported", true, false]),
    );
    // RFC 7162: the folder's HIGHESTMODSEQ is recorded on passes that find nothing new too (the moves changed it).
    const inboxModseq = async () => {
      const client = await dovecot.client(user);
      try {
        const status = await client.status("INBOX", { highestModseq: true });
        return BigInt((status ? status.highestModseq : undefined) ?? -1);
      } finally {
        await client.logout().catch(() => {});
      }
    };
    const serverModseq = await inboxModseq();
    await waitFor(
      "HIGHESTMODSEQ recorded",
      async () =>
        (await db().connectorFolder.findFirstOrThrow({ where: { connectorId: c.id, name: "INBOX" } })).highestModseq ===
        serverModseq,
    );
    // Refused: moving into a folder that is followed.
    await expect(
      updateConnector({ id: c.id, changes: { folders: ["INBOX", "Imported"] }, dataDir, actorId: null }),
    ).rejects.toThrow(/cannot also be where imported mail is moved/);
  }, 20_000);

  it("reports a move to a folder the server does not have on that folder, imports anyway, and keeps the move pending", async () => {
    const user = USERS[6] as string;
    await dovecot.append(user, "INBOX", mails(2, "Nowhere"));
    const c = await connect(user, { moveTo: "Nowhere" });
    runner();
    // The folder's error is recorded first, the connector's at the end of the pass: wait for both.
    await waitFor("the folder error", async () => {
      const v = await getConnector(c.id);
      return v.folderErrors.length === 1 && v.lastError !== null;
    });
    const view = await getConnector(c.id);
    expect(view.imported).toBe(2);
    expect(view.folderErrors[0]).toMatchObject({ folder: "INBOX" });
    expect(view.lastError).toMatch(/Write-back: the server refused to move messages to "Nowhere"/);
    expect(await remote(user, "INBOX")).toHaveLength(2); // nothing deleted
    expect(await db().connectorMessage.count({ where: { connectorId: c.id, writeBackPending: true } })).toBe(2);
  }, 20_000);

  it("marks a message \\Seen remotely once its conversation is closed in Yubin, not before", async () => {
    const user = USERS[3] as string;
    await dovecot.append(user, "INBOX", mails(2, "Close"));
    const c = await connect(user, { markSeen: "closed" });
    runner(300);
    await idleWith(c.id, 2);
    // Several passes later nothing is marked: no conversation is closed.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await remote(user, "INBOX")).map((m) => m.seen)).toEqual([false, false]);
    const conv = await db().conversation.findFirstOrThrow({ where: { mailboxId: c.mailboxId, subject: "Close 1" } });
    const conversation = await authorizeConversation({ userId: agentId, conversationId: conv.id });
    if (!conversation) throw new Error("the agent is not a member");
    await changeStatus({ actorId: agentId, conversation, status: "closed" });
    await waitFor("Close 1 seen remotely", async () => (await remote(user, "INBOX"))[1]?.seen === true);
    expect(await remote(user, "INBOX")).toEqual([
      { subject: "Close 0", seen: false },
      { subject: "Close 1", seen: true },
    ]);
  }, 20_000);

  it("edits a connector without losing its sync state; the runner takes the new settings up", async () => {
    const user = USERS[4] as string;
    await dovecot.append(user, "INBOX", mails(3, "Edit"));
    const c = await connect(user);
    // A short lease: the holder notices the edit at its next renewal (a third of the lease).
    runner(60_000, 1_500);
    await idleWith(c.id, 3);
    const folderBefore = await db().connectorFolder.findFirstOrThrow({ where: { connectorId: c.id } });
    // Put in before the edit: "Other" is looked at by a full pass (IDLE watches only the first folder),
    // and the edited run's first pass may come before an append made after the edit.
    await dovecot.append(user, "Other", mails(1, "Other folder"));
    const edited = await updateConnector({
      id: c.id,
      changes: { markSeen: "imported", folders: ["INBOX", "Other"], password: PASSWORD },
      dataDir,
      actorId: null,
    });
    expect(edited).toMatchObject({ markSeen: "imported", folders: ["INBOX", "Other"] });
    await dovecot.append(user, "INBOX", mails(1, "After edit"));
    await idleWith(c.id, 5);
    const inbox = await db().connectorFolder.findFirstOrThrow({ where: { connectorId: c.id, name: "INBOX" } });
    expect(inbox.uidValidity).toBe(folderBefore.uidValidity);
    expect(inbox.lastUid).toBe(4n);
    expect(await storedCount(c.mailboxId)).toBe(5);
    // Seen-on-import applies to what is imported from now on, not to the three imported before.
    await waitFor(
      "the new one seen",
      async () => (await remote(user, "INBOX")).find((m) => m.subject === "After edit 0")?.seen,
    );
    expect((await remote(user, "INBOX")).filter((m) => m.seen).map((m) => m.subject)).toEqual(["After edit 0"]);
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { action: "connector.edit", subjectId: String(c.id) },
    });
    expect(audit.after).toMatchObject({ password: "changed", syncState: "kept", markSeen: "imported" });
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);

    // Another user on the server is another mailbox: its folders start from the beginning, and the
    // same messages (same bytes) found there are recognised, not stored twice.
    const other = USERS[5] as string;
    await dovecot.append(other, "INBOX", mails(1, "Elsewhere"));
    await expect(updateConnector({ id: c.id, changes: { username: other }, dataDir, actorId: null })).rejects.toThrow(
      /needs its password/,
    );
    await updateConnector({
      id: c.id,
      changes: { username: other, password: PASSWORD, folders: ["INBOX"] },
      dataDir,
      actorId: null,
    });
    await waitFor("the other mailbox imported", async () => (await storedCount(c.mailboxId)) === 6);
    const reset = await db().connectorFolder.findFirstOrThrow({ where: { connectorId: c.id, name: "INBOX" } });
    expect(reset.lastUid).toBe(1n);
  }, 30_000);
});
