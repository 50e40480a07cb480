// IMAP end to end: a started Yubin (the `mail` role) with mail arriving over
// SMTP, read and changed with imapflow, and the web's side of the same store
// (tags, read state) through the domain functions the browser's procedures call.
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keywordOfTag } from "../../../mail-daemons/imap/keyword-tags.ts";
import { authorizeConversation } from "../../../server/access/gate.ts";
import { db } from "../../../server/db.ts";
import { markConversationRead } from "../../../server/mail-store/mark-read.ts";
import { addTag } from "../../../server/tags/tag-conversation.ts";
import { makeUser, TEST_PASSWORD } from "../../support/factories.ts";
import { deliverToYubin, startMailApp } from "../../support/mail-app.ts";
import { waitFor } from "../../support/wait.ts";
import { freePort, type YubinProcess } from "../../support/yubin-process.ts";

/** imapflow answers false for a command that failed. */
function ok<T>(value: T | false): T {
  if (value === false) throw new Error("the IMAP command failed");
  return value;
}

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const SUPPORT = "support@example.com";

describe("IMAP against a started Yubin", () => {
  let yubin: YubinProcess;
  let smtpPort: number;
  let imapsPort: number;
  let agentId: number;
  const clients: ImapFlow[] = [];

  const connect = async (user = "agent@example.com", password = TEST_PASSWORD) => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: imapsPort,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user, pass: password },
      logger: false,
      qresync: true,
    });
    await client.connect();
    clients.push(client);
    return client;
  };

  const customerMail = (subject: string, text = "本文です。 Hello.") => ({
    from: "Customer <customer@outside.example>",
    to: SUPPORT,
    subject,
    text,
  });

  beforeAll(async () => {
    imapsPort = await freePort();
    ({ yubin, smtpPort } = await startMailApp({
      admin: ADMIN,
      roles: "mail",
      env: { YUBIN_IMAPS_PORT: String(imapsPort), YUBIN_IMAP_PORT: String(await freePort()) },
    }));
    agentId = await makeUser("agent@example.com");
    const support = await db().mailbox.findUniqueOrThrow({ where: { address: SUPPORT } });
    await db().membership.create({ data: { mailboxId: support.id, userId: agentId } });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.logout().catch(() => {})));
    await yubin?.stop();
  });

  it("prints both IMAP listeners in the start banner", () => {
    expect(yubin.output()).toMatch(new RegExp(`imaps: 127\\.0\\.0\\.1:${imapsPort}`));
    expect(yubin.output()).toMatch(/imap: 127\.0\.0\.1:\d+/);
  });

  it("new SMTP mail reaches a client in IDLE at once, and a second client sees it too", async () => {
    const idler = await connect();
    const other = await connect();
    const path = `Shared/${SUPPORT}/INBOX`;
    await idler.mailboxOpen(path);
    await other.mailboxOpen(path);
    const exists: number[] = [];
    idler.on("exists", (event: { count: number }) => exists.push(event.count));
    const before = idler.mailbox ? idler.mailbox.exists : 0;
    void idler.idle();
    await deliverToYubin(smtpPort, customerMail("IDLE please"));
    await waitFor("EXISTS in IDLE", () => exists.includes(before + 1), 10_000);
    const status = await other.status(path, { messages: true });
    expect(ok(status).messages).toBe(before + 1);
  });

  it("append, fetch, flags and move; a tag set in the web is a keyword and a keyword is a tag", async () => {
    const client = await connect();
    const inbox = `Shared/${SUPPORT}/INBOX`;
    await deliverToYubin(smtpPort, customerMail("Invoice question", "請求書の件です。"));
    await client.mailboxOpen(inbox);
    const found = await client.search({ body: "請求書" }, { uid: true });
    expect(found).toBeTruthy();
    const uid = (found as number[]).at(-1) as number;
    const message = await client.fetchOne(String(uid), { envelope: true, flags: true, source: true }, { uid: true });
    expect(ok(message).envelope?.subject).toBe("Invoice question");
    expect(ok(message).flags?.has("\\Seen")).toBe(false);

    // The web: the conversation is tagged, then opened (read).
    const stored = await db().message.findFirstOrThrow({ where: { subject: "Invoice question" } });
    const conversation = await authorizeConversation({
      userId: agentId,
      conversationId: stored.conversationId as number,
    });
    if (!conversation) throw new Error("agent cannot see the conversation");
    await addTag({ actorId: agentId, conversation, name: "請求書" });
    await markConversationRead({ conversation, actorId: agentId });
    const after = await client.fetchOne(String(uid), { flags: true }, { uid: true });
    expect(after && [...(after.flags ?? [])]).toEqual(expect.arrayContaining(["\\Seen", keywordOfTag("請求書")]));

    // IMAP: a keyword tags the conversation.
    await client.messageFlagsAdd(String(uid), ["Urgent"], { uid: true });
    const tags = await db().conversationTag.findMany({
      where: { conversationId: conversation.conversationId },
      select: { tag: { select: { name: true } } },
    });
    expect(tags.map((t) => t.tag.name).sort()).toEqual(["Urgent", "請求書"]);

    // APPEND to Archive, then MOVE the customer's message there.
    const appended = await client.append(`Shared/${SUPPORT}/Archive`, Buffer.from("Subject: note\r\n\r\nfiled\r\n"), [
      "\\Seen",
    ]);
    expect(ok(appended).uid).toBeGreaterThan(0);
    const moved = await client.messageMove(String(uid), `Shared/${SUPPORT}/Archive`, { uid: true });
    expect(ok(moved).uidMap?.size).toBe(1);
    const archive = await client.status(`Shared/${SUPPORT}/Archive`, { messages: true });
    expect(ok(archive).messages).toBe(2);
  });

  it("QRESYNC: a client reconnecting after an expunge elsewhere gets VANISHED (EARLIER)", async () => {
    const first = await connect();
    const inbox = `Shared/${SUPPORT}/INBOX`;
    await deliverToYubin(smtpPort, customerMail("to be deleted"));
    const box = await first.mailboxOpen(inbox);
    const known = { uidValidity: box.uidValidity, highestModseq: box.highestModseq };
    const uids = (await first.search({ subject: "to be deleted" }, { uid: true })) as number[];
    await first.logout();

    const second = await connect();
    await second.mailboxOpen(inbox);
    await second.messageDelete(String(uids[0]), { uid: true });
    // The message left the web too (kept only as restorable deleted mail, server/recovery/).
    expect(await db().message.count({ where: { subject: "to be deleted", deletedAt: null } })).toBe(0);

    const third = await connect();
    const vanished: number[] = [];
    third.on("expunge", (event: { uid?: number; vanished?: boolean }) => {
      if (event.vanished && event.uid) vanished.push(event.uid);
    });
    await third.mailboxOpen(inbox, { changedSince: known.highestModseq, uidValidity: known.uidValidity } as never);
    await waitFor("VANISHED (EARLIER)", () => vanished.includes(uids[0] as number), 5000);
  });
});
