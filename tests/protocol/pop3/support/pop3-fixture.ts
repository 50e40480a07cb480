// The backend the POP3 tests run against, behind one small interface so that
// the same transcripts run against the in-memory fake and against the real
// adapter over PostgreSQL (mail-daemons/pop3/store-backend.ts): each test
// file runs its suite once per kind in POP3_BACKENDS. Tests take UIDLs from
// `deliver` and app passwords from `addAppPassword`, never from a backend's
// own numbering. Fault injection and LOGIN-DELAY exist only in memory; tests
// that need them skip visibly elsewhere.
import type { Pop3Backend } from "../../../../mail-daemons/pop3/backend.ts";
import { type DeletePolicy, MemoryBackend, type MemoryFaults } from "../../../../mail-daemons/pop3/memory-backend.ts";
import { storePop3Backend } from "../../../../mail-daemons/pop3/store-backend.ts";
import { createAppPassword } from "../../../../server/auth/app-passwords.ts";
import { sql } from "../../../../server/db/raw-sql.ts";
import { db } from "../../../../server/db.ts";
import { PAIR_POLICY } from "../../../../server/limits.ts";
import { storeMessage } from "../../../../server/mail-store/store-message.ts";
import { createMailbox } from "../../../../server/mailboxes/create-mailbox.ts";
import { setPop3OnDelete } from "../../../../server/mailboxes/pop3-policy.ts";
import { normalizeLineEndings } from "../../../../server/outbound/line-endings.ts";
import { createUser } from "../../../../server/users/create-user.ts";
import { useTestDatabase } from "../../../support/database.ts";
import { makeDomain } from "../../../support/factories.ts";

export type Pop3BackendKind = "memory" | "postgres";

/** Every kind by default; YUBIN_TEST_POP3_BACKEND=memory (or postgres) runs one. */
export const POP3_BACKENDS: Pop3BackendKind[] =
  process.env.YUBIN_TEST_POP3_BACKEND === "memory" || process.env.YUBIN_TEST_POP3_BACKEND === "postgres"
    ? [process.env.YUBIN_TEST_POP3_BACKEND]
    : ["memory", "postgres"];

export interface Pop3Fixture {
  readonly kind: Pop3BackendKind;
  readonly backend: Pop3Backend;
  /** A mailbox at `address` whose owner logs in with `password`. */
  addMailbox(address: string, password: string, onDelete: DeletePolicy): Promise<void>;
  /** A shared mailbox nobody logs in to with a password of their own. */
  addSharedMailbox(address: string, onDelete: DeletePolicy): Promise<void>;
  /**
   * An app password that logs in as `mailbox`: for a shared mailbox, scoped to it and made by a new member
   * (so each call is another person); for a personal one, the owner's. Resolves to the secret.
   */
  addAppPassword(mailbox: string): Promise<string>;
  /** Delivers as SMTP would; resolves to the message's UIDL, which the tests expect POP3 to report. */
  deliver(mailbox: string, raw: Buffer): Promise<string>;
  /** Every message in the mailbox, as the team sees it in the browser or over IMAP. */
  stored(mailbox: string): Promise<Buffer[]>;
  /** How many maildrop locks are held. */
  heldLocks(): Promise<number>;
  /** Failed logins of one account before it is throttled. */
  readonly maxFailedLogins: number;
  readonly supportsLoginDelay: boolean;
  readonly faults: MemoryFaults | null;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Memory only: PostgreSQL enforces none. */
  loginDelaySeconds?: number;
  /** Memory only: retrieve() yields chunks of this size. */
  chunkOctets?: number;
}

export async function createPop3Fixture(kind: Pop3BackendKind, options: FixtureOptions = {}): Promise<Pop3Fixture> {
  return kind === "memory" ? memoryFixture(options) : postgresFixture();
}

function memoryFixture(options: FixtureOptions): Pop3Fixture {
  const backend = new MemoryBackend({ ...options, maxFailedLogins: PAIR_POLICY.maxAttempts });
  let secrets = 0;
  return {
    kind: "memory",
    backend,
    maxFailedLogins: PAIR_POLICY.maxAttempts,
    supportsLoginDelay: true,
    async addMailbox(address, password, onDelete) {
      backend.addMailbox(address, { onDelete });
      backend.addLogin(address, password, address);
    },
    async addSharedMailbox(address, onDelete) {
      backend.addMailbox(address, { onDelete });
    },
    async addAppPassword(mailbox) {
      const secret = `app-secret-${++secrets}`;
      backend.addLogin(mailbox, secret, mailbox);
      return secret;
    },
    async deliver(mailbox, raw) {
      return backend.deliver(mailbox, raw);
    },
    async stored(mailbox) {
      return backend.stored(mailbox);
    },
    async heldLocks() {
      return backend.heldLocks().length;
    },
    get faults() {
      return backend.faults;
    },
    async close() {},
  };
}

// One database per test file, shared by the file's PostgreSQL fixtures (addresses differ between them).
let database: Promise<string> | null = null;

function testDatabase(): Promise<string> {
  database ??= (async () => {
    const url = await useTestDatabase();
    await makeDomain("example.com");
    return url;
  })();
  return database;
}

async function postgresFixture(): Promise<Pop3Fixture> {
  const url = await testDatabase();
  const backend = storePop3Backend(url);
  let members = 0;
  const mailboxId = async (address: string) => {
    const mailbox = await db().mailbox.findUnique({ where: { address }, select: { id: true, kind: true } });
    if (!mailbox) throw new Error(`postgres fixture: no mailbox ${address}`);
    return mailbox;
  };
  return {
    kind: "postgres",
    backend,
    maxFailedLogins: PAIR_POLICY.maxAttempts,
    supportsLoginDelay: false,
    faults: null,
    async addMailbox(address, password, onDelete) {
      await createUser({ email: address, password, actorId: null });
      await setPop3OnDelete({ address, onDelete, actorId: null });
    },
    async addSharedMailbox(address, onDelete) {
      await createMailbox({ address, kind: "shared", actorId: null });
      await setPop3OnDelete({ address, onDelete, actorId: null });
    },
    async addAppPassword(mailbox) {
      const { id, kind } = await mailboxId(mailbox);
      if (kind === "personal") {
        return (await createAppPassword({ userEmail: mailbox, actorId: null })).secret;
      }
      const email = `pop3-member-${++members}-${id}@members.example`;
      const { user } = await createUser({ email, password: "member password", actorId: null });
      await db().membership.create({ data: { mailboxId: id, userId: user.id } });
      return (await createAppPassword({ userEmail: email, mailboxId: id, actorId: null })).secret;
    },
    async deliver(mailbox, raw) {
      // Every door stores CRLF (the MX refuses bare line endings; other doors repair them), with a final one.
      let crlf = normalizeLineEndings(raw);
      if (!crlf.subarray(-2).equals(Buffer.from("\r\n"))) crlf = Buffer.concat([crlf, Buffer.from("\r\n")]);
      const [outcome] = await storeMessage({
        raw: crlf,
        mailboxIds: [(await mailboxId(mailbox)).id],
        direction: "inbound",
      });
      if (outcome?.outcome !== "stored") throw new Error(`postgres fixture: not stored: ${JSON.stringify(outcome)}`);
      const [folder] = await sql.$queryRaw<{ uidValidity: number }[]>`
        select "uidValidity" from "Folder" where id = ${outcome.folderId}::int`;
      return `${folder?.uidValidity}.${outcome.uid}`;
    },
    async stored(mailbox) {
      const rows = await sql.$queryRaw<{ bytes: Buffer }[]>`
        select b.bytes from "Message" m join "Blob" b on b.sha256 = m."blobSha256"
        where m."mailboxId" = ${(await mailboxId(mailbox)).id}::int and m."deletedAt" is null order by m.id`;
      return rows.map((row) => row.bytes);
    },
    async heldLocks() {
      const [row] = await sql.$queryRaw<{ count: number }[]>`
        select count(*)::int as count from pg_locks
        where locktype = 'advisory' and granted
          and database = (select oid from pg_database where datname = current_database())`;
      return row?.count ?? 0;
    },
    close: () => backend.close(),
  };
}
