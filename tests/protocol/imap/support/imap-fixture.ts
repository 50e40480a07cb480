// A running IMAP server over some backend, seeded the same way whatever the
// backend: transcript tests take a fixture factory, so the same transcripts
// run against the in-memory backend now and the PostgreSQL adapter later.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type ImapConnectionLimits,
  type ImapServer,
  startImapServer,
} from "../../../../mail-daemons/imap/imap-server.ts";
import { MemoryBackend } from "../../../../mail-daemons/imap/memory-backend.ts";

export interface ImapFixture {
  /** Plain port with STARTTLS; plaintext LOGIN allowed from loopback unless the fixture says otherwise. */
  port: number;
  /** Implicit-TLS port. */
  tlsPort: number;
  /** SMTP-like delivery into a mailbox's folder (INBOX by default); returns the UID. */
  deliver(
    address: string,
    raw: string | Buffer,
    options?: { folder?: string; flags?: string[]; date?: Date },
  ): Promise<number>;
  setQuota(address: string, quota: { bytes: number | null; messages: number | null }): Promise<void>;
  /**
   * As if a read-write IMAP4rev1 session had already opened the folder: the
   * mail in it now is no longer \Recent to anyone (RFC 3501 §2.3.2).
   */
  openedElsewhere(address: string, folder?: string): Promise<void>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  allowPlaintextLoginFromLoopback?: boolean;
  /** Lowered caps and timeouts (the memory fixture only), to see server/limits.ts at work. */
  limits?: Partial<ImapConnectionLimits>;
}

export type FixtureFactory = (options?: FixtureOptions) => Promise<ImapFixture>;

/** Users every transcript assumes: alice and bob, both members of support@example.com. */
export const USERS = {
  alice: { email: "alice@example.com", password: "alice-secret" },
  bob: { email: "bob@example.com", password: "bob-secret" },
  carol: { email: "carol@example.com", password: "carol-secret" },
};
export const SHARED = "support@example.com";

let credentials: { key: Buffer; cert: Buffer } | null = null;

/** A self-signed certificate for localhost, made once per test process. */
export function testTls(): { key: Buffer; cert: Buffer } {
  if (credentials) return credentials;
  const dir = mkdtempSync(path.join(os.tmpdir(), "imap-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
      ],
      { stdio: "ignore" },
    );
    credentials = { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) };
    return credentials;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const memoryFixture: FixtureFactory = async (options = {}) => {
  const backend = new MemoryBackend();
  backend.addUser(USERS.alice.email, USERS.alice.password);
  backend.addUser(USERS.bob.email, USERS.bob.password);
  backend.addUser(USERS.carol.email, USERS.carol.password);
  backend.addSharedMailbox(SHARED, [USERS.alice.email, USERS.bob.email]);
  const common = {
    host: "127.0.0.1",
    tls: testTls(),
    backend,
    hostname: "localhost",
    log: () => {},
    allowPlaintextLoginFromLoopback: options.allowPlaintextLoginFromLoopback ?? true,
    limits: options.limits,
  };
  const servers: ImapServer[] = [
    await startImapServer({ ...common, port: 0, implicitTls: false }),
    await startImapServer({ ...common, port: 0, implicitTls: true }),
  ];
  return {
    port: (servers[0] as ImapServer).port,
    tlsPort: (servers[1] as ImapServer).port,
    async deliver(address, raw, deliverOptions) {
      return backend.deliver(address, Buffer.isBuffer(raw) ? raw : Buffer.from(raw, "utf8"), deliverOptions);
    },
    async setQuota(address, quota) {
      backend.setQuota(address, quota);
    },
    async openedElsewhere(address, folder = "INBOX") {
      const opened = backend.folder(address, folder);
      opened.recentUid = opened.uidNext;
    },
    async close() {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
};
