// Remote changes after import, followed (server/connectors/follow-changes.ts),
// against a real Dovecot on loopback, which offers CONDSTORE and QRESYNC:
// a message read and flagged on the remote server becomes \Seen and \Flagged
// in Yubin, unread again when it is unread there; one expunged there becomes
// deleted mail in Yubin (once: restored, it stays). The runner hears of the
// changes during IDLE. Then the same with a client that has not enabled
// QRESYNC (CONDSTORE flags, expunges by UID SEARCH) and one with neither.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectorMailbox } from "../../../server/access/gate.ts";
import { getConnector } from "../../../server/connectors/connector-admin.ts";
import { followRemoteChanges } from "../../../server/connectors/follow-changes.ts";
import { sql } from "../../../server/db/raw-sql.ts";
import { restoreMail } from "../../../server/recovery/restore-mail.ts";
import { type ConnectorFixture, connectorFixture, remoteMails } from "../../support/connector-fixture.ts";
import { useTestDatabase } from "../../support/database.ts";
import { type Dovecot, dovecotMissing, startDovecot } from "../../support/dovecot.ts";
import { makeDomain, makeUser } from "../../support/factories.ts";
import { waitFor } from "../../support/wait.ts";
import { scratchDir } from "../../support/yubin-process.ts";

const missing = dovecotMissing();
if (missing) console.warn(missing);

const PASSWORD = "remote-secret-3";
const USERS = ["live", "condstore", "plain"].map((u) => `${u}@remote.example`);
const dataDir = scratchDir("connector-follow-");
let dovecot: Dovecot;
let fx: ConnectorFixture;

/** The Yubin copy of each imported message by subject: its INBOX flags (null once deleted) and how it was deleted. */
async function local(mailboxId: number) {
  const rows = await sql.$queryRaw<{ subject: string; flags: string[] | null; deletedVia: string | null }[]>`
    select m.subject, fm.flags, m."deletedVia" from "Message" m
    left join "FolderMessage" fm on fm."messageId" = m.id
    where m."mailboxId" = ${mailboxId}::int order by m.subject`;
  return Object.fromEntries(
    rows.map((r) => [r.subject, { flags: r.flags ? [...r.flags].sort() : null, deletedVia: r.deletedVia }]),
  );
}

/** Changes made on the remote server, as a phone or webmail would. */
async function remotely(user: string, change: (c: Awaited<ReturnType<Dovecot["client"]>>) => Promise<unknown>) {
  const c = await dovecot.client(user);
  try {
    await c.mailboxOpen("INBOX");
    await change(c);
  } finally {
    await c.logout().catch(() => {});
  }
}

const uidOf = async (connectorId: number, subjectPrefix: string) => {
  const [row] = await sql.$queryRaw<{ uid: bigint }[]>`
    select cm.uid from "ConnectorMessage" cm join "Message" m on m.id = cm."messageId"
    where cm."connectorId" = ${connectorId}::int and m.subject = ${subjectPrefix}`;
  if (!row) throw new Error(`no imported message "${subjectPrefix}"`);
  return row.uid.toString();
};

describe.skipIf(missing !== null)("connector following remote changes in Dovecot", () => {
  beforeAll(async () => {
    await useTestDatabase();
    await makeDomain("example.com");
    await makeUser("agent@example.com");
    dovecot = await startDovecot(Object.fromEntries(USERS.map((u) => [u, PASSWORD])));
    fx = connectorFixture({ dovecot, dataDir, password: PASSWORD, addressPrefix: "follow" });
  }, 30_000);

  afterEach(async () => {
    await fx?.stopAll();
  });

  afterAll(async () => {
    await dovecot?.stop();
  });

  it("follows flags and expunges made remotely during IDLE (QRESYNC), an expunge once", async () => {
    const user = USERS[0] as string;
    await dovecot.append(user, "INBOX", remoteMails(3, "Follow"));
    const c = await fx.connect(user);
    fx.runner();
    await waitFor("3 imported, idle", async () => {
      const v = await getConnector(c.id);
      return v.imported === 3 && v.status === "idle";
    });
    expect(await local(c.mailboxId)).toEqual({
      "Follow 0": { flags: [], deletedVia: null },
      "Follow 1": { flags: [], deletedVia: null },
      "Follow 2": { flags: [], deletedVia: null },
    });
    const [read, gone] = [await uidOf(c.id, "Follow 0"), await uidOf(c.id, "Follow 1")];
    await remotely(user, async (r) => {
      await r.messageFlagsAdd(read, ["\\Seen", "\\Flagged", "$Label1"], { uid: true });
      await r.messageDelete(gone, { uid: true });
    });
    await waitFor(
      "the remote changes followed",
      async () => {
        const now = await local(c.mailboxId);
        return now["Follow 0"]?.flags?.length === 2 && now["Follow 1"]?.deletedVia === "connector";
      },
      10_000,
    );
    expect(await local(c.mailboxId)).toEqual({
      // Only the followed system flags; a remote keyword is the remote's own bookkeeping.
      "Follow 0": { flags: ["\\Flagged", "\\Seen"], deletedVia: null },
      "Follow 1": { flags: null, deletedVia: "connector" },
      "Follow 2": { flags: [], deletedVia: null },
    });
    // Unread again on the phone: unread again in Yubin.
    await remotely(user, (r) => r.messageFlagsRemove(read, ["\\Seen"], { uid: true }));
    await waitFor(
      "\\Seen removed",
      async () => (await local(c.mailboxId))["Follow 0"]?.flags?.join() === "\\Flagged",
      10_000,
    );
    // Restored in Yubin, the message stays, though it is still gone remotely and more changes come.
    const mailboxId = await connectorMailbox(c.id);
    if (!mailboxId) throw new Error("no mailbox");
    const [deleted] = await sql.$queryRaw<{ id: number }[]>`
      select id from "Message" where "mailboxId" = ${c.mailboxId}::int and "deletedVia" = 'connector'`;
    await restoreMail({ mailboxId, select: { messageIds: [deleted?.id as number] }, actorId: null });
    const third = await uidOf(c.id, "Follow 2");
    await remotely(user, (r) => r.messageFlagsAdd(third, ["\\Seen"], { uid: true }));
    await waitFor(
      "the next change followed",
      async () => (await local(c.mailboxId))["Follow 2"]?.flags?.join() === "\\Seen",
      10_000,
    );
    expect((await local(c.mailboxId))["Follow 1"]).toMatchObject({ deletedVia: null });
  }, 40_000);

  it("follows flags by CONDSTORE and expunges by UID SEARCH without QRESYNC, and expunges alone without either", async () => {
    const user = USERS[1] as string;
    await dovecot.append(user, "INBOX", remoteMails(3, "Cond"));
    const c = await fx.connect(user);
    fx.runner();
    await waitFor("3 imported, idle", async () => {
      const v = await getConnector(c.id);
      return v.imported === 3 && v.status === "idle";
    });
    await fx.stopAll();
    const [read, gone] = [await uidOf(c.id, "Cond 0"), await uidOf(c.id, "Cond 1")];
    await remotely(user, async (r) => {
      await r.messageFlagsAdd(read, ["\\Seen"], { uid: true });
      await r.messageDelete(gone, { uid: true });
    });
    const [state] = await sql.$queryRaw<{ uidValidity: bigint; lastUid: bigint; highestModseq: bigint }[]>`
      select "uidValidity", "lastUid", "highestModseq" from "ConnectorFolder" where "connectorId" = ${c.id}::int`;
    if (!state) throw new Error("no folder state");
    // The support client does not ENABLE QRESYNC; CONDSTORE is enabled by imapflow where offered.
    const client = await dovecot.client(user);
    try {
      const opened = await client.mailboxOpen("INBOX", { readOnly: true });
      expect(client.enabled.has("QRESYNC")).toBe(false);
      const input = {
        connectorId: c.id,
        mailboxId: c.mailboxId,
        folder: "INBOX",
        uidValidity: state.uidValidity,
        lastUid: state.lastUid,
        currentModseq: BigInt(opened.highestModseq ?? 0),
        followSeen: true,
      };
      // Without CONDSTORE (no modseq recorded): the expunge is found, flags are not looked at.
      expect(await followRemoteChanges(client, { ...input, sinceModseq: null })).toEqual({ flagged: 0, expunged: 1 });
      expect(await local(c.mailboxId)).toMatchObject({
        "Cond 0": { flags: [] },
        "Cond 1": { flags: null, deletedVia: "connector" },
      });
      // With CONDSTORE: the flag change since the recorded modseq; the expunge is not applied twice.
      expect(await followRemoteChanges(client, { ...input, sinceModseq: state.highestModseq })).toEqual({
        flagged: 1,
        expunged: 0,
      });
      expect((await local(c.mailboxId))["Cond 0"]).toEqual({ flags: ["\\Seen"], deletedVia: null });
    } finally {
      await client.logout().catch(() => {});
    }
  }, 30_000);

  it("does not follow \\Seen when write-back marks imported mail \\Seen remotely", async () => {
    const user = USERS[2] as string;
    await dovecot.append(user, "INBOX", remoteMails(2, "Own"));
    const c = await fx.connect(user, { markSeen: "imported" });
    fx.runner();
    await waitFor("2 imported, idle", async () => {
      const v = await getConnector(c.id);
      return v.imported === 2 && v.status === "idle";
    });
    const flagged = await uidOf(c.id, "Own 1");
    await remotely(user, (r) => r.messageFlagsAdd(flagged, ["\\Flagged"], { uid: true }));
    await waitFor(
      "\\Flagged followed",
      async () => (await local(c.mailboxId))["Own 1"]?.flags?.includes("\\Flagged") === true,
      10_000,
    );
    // Every remote copy is \Seen by Yubin's own write-back; the Yubin copies stay unread.
    expect(await local(c.mailboxId)).toEqual({
      "Own 0": { flags: [], deletedVia: null },
      "Own 1": { flags: ["\\Flagged"], deletedVia: null },
    });
  }, 30_000);
});
