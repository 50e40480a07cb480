// Deleted-mail recovery seen through IMAP (imapflow over the PostgreSQL
// adapter): mail deleted in the browser leaves every IMAP view at once (an
// open session hears EXPUNGE, a new one never sees it, SEARCH finds nothing);
// mail a client expunges becomes restorable deleted mail; a restore files it
// again under a new UID (RFC 9051 §2.3.1.1: UIDs are never reused) with its
// flags, \Deleted aside.
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMailbox } from "../../../server/access/gate.ts";
import { db } from "../../../server/db.ts";
import { deleteMail } from "../../../server/recovery/delete-mail.ts";
import { listDeletedMail } from "../../../server/recovery/list-deleted-mail.ts";
import { restoreMail } from "../../../server/recovery/restore-mail.ts";
import { waitFor } from "../../support/wait.ts";
import { type ImapFixture, USERS } from "./support/imap-fixture.ts";
import { mailboxIdOf, postgresFixture } from "./support/postgres-fixture.ts";
import { simpleMail } from "./support/sample-mail.ts";

let fixture: ImapFixture;
const open: ImapFlow[] = [];

async function connect(): Promise<ImapFlow> {
  const flow = new ImapFlow({
    host: "127.0.0.1",
    port: fixture.tlsPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: USERS.alice.email, pass: USERS.alice.password },
    logger: false,
  });
  open.push(flow);
  await flow.connect();
  return flow;
}

async function aliceMailbox() {
  const alice = await db().user.findUniqueOrThrow({ where: { email: USERS.alice.email } });
  const mailboxId = await authorizeMailbox({ userId: alice.id, mailboxId: await mailboxIdOf(USERS.alice.email) });
  if (!mailboxId) throw new Error("alice has no mailbox");
  return { userId: alice.id, mailboxId };
}

async function messageIdOfUid(uid: number): Promise<number> {
  const entry = await db().folderMessage.findFirstOrThrow({
    where: { uid, folder: { name: "INBOX", mailbox: { address: USERS.alice.email } } },
  });
  return entry.messageId;
}

beforeAll(async () => {
  fixture = await postgresFixture();
});

afterAll(async () => {
  await Promise.all(open.splice(0).map((flow) => flow.logout().catch(() => flow.close())));
  await fixture?.close();
});

describe("IMAP and deleted mail", () => {
  it("loses mail deleted in the browser at once, and gets it back under a new UID with its flags", async () => {
    await fixture.deliver(USERS.alice.email, simpleMail("keep this"));
    const uid = await fixture.deliver(USERS.alice.email, simpleMail("walrus invoice"), { flags: ["\\Seen"] });
    const { userId, mailboxId } = await aliceMailbox();
    const watcher = await connect();
    await watcher.mailboxOpen("INBOX");
    await watcher.messageFlagsAdd({ uid: String(uid) }, ["\\Flagged"], { uid: true });
    const expunged: number[] = [];
    watcher.on("expunge", (event: { seq: number }) => expunged.push(event.seq));

    await deleteMail({ mailboxId, select: { messageIds: [await messageIdOfUid(uid)] }, actorId: userId, door: "web" });

    // The open session is told (after any command, or IDLE).
    await waitFor("EXPUNGE in the open session", async () => {
      await watcher.noop();
      return expunged.length === 1;
    });
    const fresh = await connect();
    const box = await fresh.mailboxOpen("INBOX");
    expect(box.exists).toBe(1);
    expect(await fresh.search({ subject: "walrus" }, { uid: true })).toEqual([]);
    expect(await fresh.search({ all: true }, { uid: true })).not.toContain(uid);

    const deleted = await listDeletedMail({ mailboxIds: [mailboxId], filter: { subject: "walrus" } });
    expect(deleted.items).toHaveLength(1);
    await restoreMail({ mailboxId, select: { messageIds: deleted.items.map((i) => i.messageId) }, actorId: userId });

    const after = await connect();
    const reopened = await after.mailboxOpen("INBOX");
    expect(reopened.exists).toBe(2);
    const [found] = (await after.search({ subject: "walrus" }, { uid: true })) || [];
    expect(found).toBeGreaterThan(uid);
    const message = await after.fetchOne(String(found), { flags: true, envelope: true }, { uid: true });
    expect(message ? message.envelope?.subject : null).toBe("walrus invoice");
    expect([...(message ? (message.flags ?? []) : [])].sort()).toEqual(["\\Flagged", "\\Seen"]);
  });

  it("keeps what a client expunges as deleted mail, restorable without \\Deleted", async () => {
    const uid = await fixture.deliver(USERS.alice.email, simpleMail("expunged by mutt"), { flags: ["\\Answered"] });
    const { userId, mailboxId } = await aliceMailbox();
    const flow = await connect();
    await flow.mailboxOpen("INBOX");
    const messageId = await messageIdOfUid(uid);
    // imapflow's delete: +FLAGS (\Deleted) then UID EXPUNGE.
    await flow.messageDelete({ uid: String(uid) }, { uid: true });
    expect(await flow.search({ subject: "mutt" }, { uid: true })).toEqual([]);

    const deleted = await listDeletedMail({ mailboxIds: [mailboxId], filter: { subject: "mutt" } });
    expect(deleted.items.map((i) => [i.messageId, i.deletedVia, i.deletedBy])).toEqual([[messageId, "imap", "alice"]]);
    await restoreMail({ mailboxId, select: { messageIds: [messageId] }, actorId: userId });
    // The session hears of the restore by NOTIFY, which may land just after the next command starts.
    let found = 0;
    await expect
      .poll(async () => {
        found = ((await flow.search({ subject: "mutt" }, { uid: true })) || [])[0] ?? 0;
        return found;
      })
      .toBeGreaterThan(uid);
    const message = await flow.fetchOne(String(found), { flags: true }, { uid: true });
    expect([...(message ? (message.flags ?? []) : [])]).toEqual(["\\Answered"]);
  });
});
