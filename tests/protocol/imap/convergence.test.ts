// Several IMAP sessions on one shared folder of a started Yubin, storing
// flags and expunging at the same time while mail arrives over SMTP. At the
// end, after a NOOP, every session's view (message count, UIDs, flags) is
// the database's, no UID ever named two messages, and each message was
// \Recent in at most one session (RFC 3501 §2.3.2).
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imapFlags } from "../../../mail-daemons/imap/keyword-tags.ts";
import { authorizeMailbox } from "../../../server/access/gate.ts";
import { db } from "../../../server/db.ts";
import { folderSnapshot } from "../../../server/mail-folders/folder-snapshot.ts";
import { makeUser, TEST_PASSWORD } from "../../support/factories.ts";
import { deliverToYubin, startMailApp } from "../../support/mail-app.ts";
import { waitFor } from "../../support/wait.ts";
import { freePort, type YubinProcess } from "../../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const SUPPORT = "support@example.com";
const PATH = `Shared/${SUPPORT}/INBOX`;
const SESSIONS = 4;
const ROUNDS = 25;
const EARLY_MAIL = 12;
const LATE_MAIL = 12;
const FLAGS = ["\\Flagged", "\\Seen", "\\Answered"];

/** A pseudo-random sequence with a fixed seed, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("IMAP sessions converge on the database's state", () => {
  let yubin: YubinProcess;
  let smtpPort: number;
  let imapsPort: number;
  const members: string[] = [];
  const clients: ImapFlow[] = [];

  beforeAll(async () => {
    imapsPort = await freePort();
    ({ yubin, smtpPort } = await startMailApp({
      admin: ADMIN,
      roles: "mail",
      env: { YUBIN_IMAPS_PORT: String(imapsPort), YUBIN_IMAP_PORT: String(await freePort()) },
    }));
    const support = await db().mailbox.findUniqueOrThrow({ where: { address: SUPPORT } });
    for (let i = 1; i <= SESSIONS; i++) {
      const email = `agent${i}@example.com`;
      const userId = await makeUser(email);
      await db().membership.create({ data: { mailboxId: support.id, userId } });
      members.push(email);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.logout().catch(() => {})));
    await yubin?.stop();
  });

  const mail = (n: number) => ({
    from: `Customer ${n} <customer${n}@outside.example>`,
    to: SUPPORT,
    subject: `お問い合わせ ${n}`,
    text: `本文 ${n}. Hello.`,
    messageId: `<convergence-${n}@outside.example>`,
  });

  it("flags, expunges and new mail from many sessions at once leave every session equal to the store", async () => {
    for (let n = 1; n <= EARLY_MAIL; n++) await deliverToYubin(smtpPort, mail(n));

    for (const email of members) {
      const client = new ImapFlow({
        host: "127.0.0.1",
        port: imapsPort,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user: email, pass: TEST_PASSWORD },
        logger: false,
        qresync: true,
      });
      await client.connect();
      await client.mailboxOpen(PATH);
      clients.push(client);
    }

    // Every (UID, Message-ID) pair any session ever saw: a UID must name one message for ever.
    const messageIdOf = new Map<number, string>();
    const reused: string[] = [];
    const note = (uid: number, messageId: string | undefined) => {
      if (!messageId) return;
      const known = messageIdOf.get(uid);
      if (known && known !== messageId) reused.push(`UID ${uid}: ${known} then ${messageId}`);
      messageIdOf.set(uid, messageId);
    };

    const refused: string[] = [];
    const work = async (client: ImapFlow, index: number) => {
      const next = random(index + 1);
      for (let round = 0; round < ROUNDS; round++) {
        const uids: number[] = [];
        for await (const message of client.fetch("1:*", { uid: true, envelope: true })) {
          uids.push(message.uid);
          note(message.uid, message.envelope?.messageId);
        }
        if (uids.length === 0) continue;
        const uid = uids[Math.floor(next() * uids.length)] as number;
        const flag = FLAGS[Math.floor(next() * FLAGS.length)] as string;
        const roll = next();
        try {
          if (roll < 0.45) await client.messageFlagsAdd(String(uid), [flag], { uid: true });
          else if (roll < 0.8) await client.messageFlagsRemove(String(uid), [flag], { uid: true });
          else if (roll < 0.9) await client.messageDelete(String(uid), { uid: true });
          else await client.noop();
        } catch (error) {
          // A message expunged by another session meanwhile may be refused; the session must go on.
          refused.push(String(error));
        }
      }
    };
    const arrivals = (async () => {
      for (let n = EARLY_MAIL + 1; n <= EARLY_MAIL + LATE_MAIL; n++) await deliverToYubin(smtpPort, mail(n));
    })();
    await Promise.all([...clients.map((client, index) => work(client, index)), arrivals]);

    // deliverToYubin returns at the MX's 250, once the message is stored.
    const support = await db().mailbox.findUniqueOrThrow({ where: { address: SUPPORT } });
    const userId = (await db().user.findUniqueOrThrow({ where: { email: members[0] } })).id;
    const mailboxId = await authorizeMailbox({ userId, mailboxId: support.id });
    if (!mailboxId) throw new Error("agent1 is not a member");
    const snapshot = await folderSnapshot({ mailboxId, folderName: "INBOX" });
    if (!snapshot) throw new Error("no INBOX");
    const truth = snapshot.uids.map((uid, i) => ({
      uid,
      flags: [...imapFlags({ flags: snapshot.flags[i] ?? [], tags: snapshot.tags.get(uid) ?? [] })].sort(),
    }));
    expect(truth.length).toBeGreaterThan(0);
    expect(new Set(truth.map((entry) => entry.uid)).size).toBe(truth.length);
    expect(Math.max(...truth.map((entry) => entry.uid))).toBeLessThan(snapshot.uidNext);
    const expunged = await db().expungedUid.findMany({ where: { folderId: snapshot.folderId }, select: { uid: true } });
    expect(expunged.length).toBeGreaterThan(0);
    for (const { uid } of expunged)
      expect(
        truth.some((entry) => entry.uid === uid),
        `UID ${uid} reused`,
      ).toBe(false);

    const recentIn = new Map<number, number>();
    for (const client of clients) {
      // The last arrivals' notifications may still be on their way to the session: NOOP until it has them.
      await waitFor(
        "the session has caught up",
        async () => {
          await client.noop();
          return client.mailbox !== false && client.mailbox.exists === truth.length;
        },
        10_000,
      );
      const view: Array<{ uid: number; flags: string[] }> = [];
      for await (const message of client.fetch("1:*", { uid: true, flags: true, envelope: true })) {
        note(message.uid, message.envelope?.messageId);
        const flags = [...(message.flags ?? [])];
        if (flags.includes("\\Recent")) recentIn.set(message.uid, (recentIn.get(message.uid) ?? 0) + 1);
        view.push({ uid: message.uid, flags: flags.filter((flag) => flag !== "\\Recent").sort() });
      }
      expect(view).toEqual(truth);
    }
    expect(reused).toEqual([]);
    expect([...recentIn].filter(([, sessions]) => sessions > 1)).toEqual([]);
    // The race was real: some messages went, and the late ones arrived while sessions were busy.
    expect(messageIdOf.size).toBeGreaterThan(truth.length);
    expect(refused.length).toBeLessThan(SESSIONS * ROUNDS);
  }, 180_000);
});
