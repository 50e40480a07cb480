// The same fixture over PostgreSQL: the IMAP core over the real adapter
// (mail-daemons/imap/store-backend.ts), seeded through the domain functions
// with the users and the shared mailbox every transcript assumes. One
// database per test file; each fixture empties it and seeds it afresh, so
// transcripts see the same starting state as with the in-memory backend.
import { type ImapServer, startImapServer } from "../../../../mail-daemons/imap/imap-server.ts";
import { type StoreImapBackend, storeImapBackend } from "../../../../mail-daemons/imap/store-backend.ts";
import { type AuthorizedMailboxId, authorizeMailbox } from "../../../../server/access/gate.ts";
import { sql } from "../../../../server/db/raw-sql.ts";
import { db } from "../../../../server/db.ts";
import { claimRecent } from "../../../../server/mail-folders/claim-recent.ts";
import { appendMessages } from "../../../../server/mail-store/append-messages.ts";
import { storeMessage } from "../../../../server/mail-store/store-message.ts";
import { createMailbox } from "../../../../server/mailboxes/create-mailbox.ts";
import { setQuotaLimits } from "../../../../server/quotas/set-quota-limits.ts";
import { createUser } from "../../../../server/users/create-user.ts";
import { useTestDatabase } from "../../../support/database.ts";
import { makeDomain } from "../../../support/factories.ts";
import { type FixtureFactory, type ImapFixture, SHARED, testTls, USERS } from "./imap-fixture.ts";

let database: Promise<string> | null = null;

/** Stored mail is CRLF, as SMTP stores it (DESIGN.md "Accept what real senders send"). */
function toCrlf(raw: Buffer): Buffer {
  return Buffer.from(raw.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
}

/** Every table but the audit log, which refuses TRUNCATE (append-only); transcripts never read it. */
async function emptyDatabase(): Promise<void> {
  const tables = await sql.$queryRaw<{ name: string }[]>`
    select quote_ident(tablename) as name from pg_tables
    where schemaname = 'public' and tablename not in ('_prisma_migrations', 'AuditEvent')`;
  await db().$executeRawUnsafe(`truncate ${tables.map((t) => t.name).join(", ")} restart identity cascade`);
}

/** Seeds alice, bob and carol and support@example.com (alice and bob), and returns the store backend. */
export async function seedPostgres(): Promise<{ url: string }> {
  database ??= (async () => await useTestDatabase())();
  const url = await database;
  await emptyDatabase();
  await makeDomain("example.com");
  for (const user of Object.values(USERS)) {
    await createUser({ email: user.email, password: user.password, actorId: null });
  }
  await createMailbox({
    address: SHARED,
    kind: "shared",
    memberEmails: [USERS.alice.email, USERS.bob.email],
    actorId: null,
  });
  return { url };
}

export async function mailboxIdOf(address: string): Promise<number> {
  const mailbox = await db().mailbox.findUnique({ where: { address: address.toLowerCase() }, select: { id: true } });
  if (!mailbox) throw new Error(`no mailbox ${address}`);
  return mailbox.id;
}

/** The mailbox as one of its members may use it: the gate grants it, as it would their IMAP login. */
async function grantedToAMember(mailboxId: number): Promise<AuthorizedMailboxId> {
  const [member] = await sql.$queryRaw<{ userId: number }[]>`
    select "userId" from "Membership" where "mailboxId" = ${mailboxId} and "userId" is not null order by id limit 1`;
  const granted = member ? await authorizeMailbox({ userId: member.userId, mailboxId }) : null;
  if (!granted) throw new Error(`mailbox ${mailboxId} has no member to file mail as`);
  return granted;
}

export const postgresFixture: FixtureFactory = async (options = {}) => {
  const { url } = await seedPostgres();
  const backend: StoreImapBackend = storeImapBackend(url);
  await backend.ready();
  const common = {
    host: "127.0.0.1",
    tls: testTls(),
    backend,
    hostname: "localhost",
    log: () => {},
    allowPlaintextLoginFromLoopback: options.allowPlaintextLoginFromLoopback ?? true,
  };
  const servers: ImapServer[] = [
    await startImapServer({ ...common, port: 0, implicitTls: false }),
    await startImapServer({ ...common, port: 0, implicitTls: true }),
  ];
  const fixture: ImapFixture = {
    port: (servers[0] as ImapServer).port,
    tlsPort: (servers[1] as ImapServer).port,
    async deliver(address, raw, deliverOptions = {}) {
      const bytes = toCrlf(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, "utf8"));
      const mailboxId = await mailboxIdOf(address);
      const [outcome] = await storeMessage({
        raw: bytes,
        mailboxIds: [mailboxId],
        direction: "inbound",
        folder: deliverOptions.folder,
        flags: deliverOptions.flags,
        internalDate: deliverOptions.date,
      });
      if (outcome?.outcome === "stored") return outcome.uid;
      // The same message again (the transcripts deliver RFC 9051's example twice): SMTP would store it
      // once; filed again as APPEND files it, so the folder holds two entries as in the in-memory backend.
      if (outcome?.outcome !== "duplicate") throw new Error(`not stored: ${JSON.stringify(outcome)}`);
      const appended = await appendMessages({
        mailboxId: await grantedToAMember(mailboxId),
        folderName: deliverOptions.folder ?? "INBOX",
        messages: [
          { raw: bytes, flags: deliverOptions.flags ?? [], tags: [], internalDate: deliverOptions.date ?? null },
        ],
        actorId: 0,
      });
      if (!appended.ok) throw new Error(`not filed: ${appended.reason}`);
      return appended.uids[0] as number;
    },
    async setQuota(address, quota) {
      // Warnings off: a quota notice mail (server/quotas/quota-warning.ts) would be one more
      // message in the mailbox whose usage the RFC 9208 transcripts count.
      await setQuotaLimits({
        address,
        quotaBytes: quota.bytes,
        quotaMessages: quota.messages,
        warnPercents: [],
        actorId: null,
      });
    },
    async openedElsewhere(address, folder = "INBOX") {
      const mailboxId = await mailboxIdOf(address);
      const row = await db().folder.findUniqueOrThrow({ where: { mailboxId_name: { mailboxId, name: folder } } });
      await claimRecent({
        mailboxIds: [await grantedToAMember(mailboxId)],
        folderId: row.id,
        upTo: row.uidNext,
        claim: true,
      });
    },
    async close() {
      await Promise.all(servers.map((server) => server.close()));
      await backend.close();
    },
  };
  return fixture;
};
