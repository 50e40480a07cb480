// The backend the POP3 tests run against, behind one small interface so that
// the same transcripts can later run against the PostgreSQL adapter: only
// createPop3Fixture changes. Tests take UIDLs from `deliver`, never from the
// fake's numbering. Fault injection exists only in memory; tests that need it
// skip when `faults` is null.
import type { Pop3Backend } from "../../../../mail-daemons/pop3/backend.ts";
import { type DeletePolicy, MemoryBackend, type MemoryFaults } from "../../../../mail-daemons/pop3/memory-backend.ts";

export interface Pop3Fixture {
  readonly backend: Pop3Backend;
  /** A mailbox at `address` whose owner logs in with `password`. */
  addMailbox(address: string, password: string, onDelete: DeletePolicy): Promise<void>;
  /** An app password scoped to a (shared) mailbox: the login is the mailbox's address. */
  addAppPassword(mailbox: string, password: string): Promise<void>;
  /** Delivers as SMTP would; resolves to the message's UIDL, which the tests expect POP3 to report. */
  deliver(mailbox: string, raw: Buffer): Promise<string>;
  /** Every message in the mailbox, as the team sees it in the browser or over IMAP. */
  stored(mailbox: string): Promise<Buffer[]>;
  /** How many maildrop locks are held. */
  heldLocks(): Promise<number>;
  readonly faults: MemoryFaults | null;
}

export interface FixtureOptions {
  loginDelaySeconds?: number;
  maxFailedLogins?: number;
  chunkOctets?: number;
}

export async function createPop3Fixture(options: FixtureOptions = {}): Promise<Pop3Fixture> {
  const backend = new MemoryBackend(options);
  return {
    backend,
    async addMailbox(address, password, onDelete) {
      backend.addMailbox(address, { onDelete });
      backend.addLogin(address, password, address);
    },
    async addAppPassword(mailbox, password) {
      backend.addLogin(mailbox, password, mailbox);
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
  };
}
