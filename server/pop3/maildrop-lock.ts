// RFC 1939 §8 / RFC 2449 §8.1.1: one POP3 session per maildrop and login at a
// time, across every mail process of the installation. The lock is a
// PostgreSQL session-level advisory lock, so it cannot outlive a crashed
// process: when the process dies its connection dies, and PostgreSQL releases
// every lock that connection held.
//
// The locks of all sessions of a process live on ONE dedicated connection,
// not one connection per session: a POP3 server may hold hundreds of idle
// sessions (issue 12 budgets 100 KB each), and a PostgreSQL backend per
// session would cost megabytes and exhaust max_connections. Advisory locks
// are re-entrant per connection, so this process also keeps the set of keys
// it holds and refuses a second session itself.
//
// If that connection breaks while the process lives on, PostgreSQL has
// released the locks: every lease is marked lost, and a session holding a
// lost lease may not commit deletions (it answers QUIT with -ERR [SYS/TEMP]
// and deletes nothing), which is safe whatever another session does.
import pg from "pg";

export interface MaildropLease {
  /** false once the lock connection broke: the lock is no longer guaranteed. */
  readonly held: boolean;
  release(): Promise<void>;
}

export interface MaildropLocks {
  /** The lock for (mailbox, user), or null when another session holds it (here or in another process). */
  tryLock(mailboxId: number, userId: number): Promise<MaildropLease | null>;
  /** Releases every lock (closes the connection). */
  close(): Promise<void>;
}

class Lease implements MaildropLease {
  held = true;

  constructor(
    readonly key: string,
    private readonly owner: AdvisoryLocks,
  ) {}

  release(): Promise<void> {
    return this.owner.release(this);
  }
}

class AdvisoryLocks implements MaildropLocks {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly leases = new Map<string, Lease>();
  private closed = false;

  constructor(private readonly url: string) {}

  async tryLock(mailboxId: number, userId: number): Promise<MaildropLease | null> {
    const key = `yubin.pop3:${mailboxId}:${userId}`;
    // Advisory locks are re-entrant on one connection: this process's own sessions are told apart here.
    if (this.leases.has(key)) return null;
    const lease = new Lease(key, this);
    this.leases.set(key, lease);
    try {
      const client = await this.connection();
      const { rows } = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock(hashtextextended($1, 0)) as locked",
        [key],
      );
      if (rows[0]?.locked && lease.held) return lease;
    } catch (error) {
      this.forget(lease);
      throw error;
    }
    this.forget(lease);
    return null;
  }

  async release(lease: Lease): Promise<void> {
    if (this.leases.get(lease.key) !== lease) return;
    const client = this.client;
    if (lease.held && client) {
      try {
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [lease.key]);
      } catch {
        // The connection broke: PostgreSQL has dropped the lock with it.
      }
    }
    this.forget(lease);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.lost();
    await client?.end().catch(() => {});
  }

  private forget(lease: Lease): void {
    if (this.leases.get(lease.key) === lease) this.leases.delete(lease.key);
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error("POP3 maildrop locks are closed"));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: "yubin pop3 locks" });
      const broken = () => {
        if (this.client !== client) return;
        this.client = null;
        this.lost();
      };
      client.on("error", broken);
      client.on("end", broken);
      try {
        await client.connect();
      } catch (error) {
        client.removeAllListeners();
        await client.end().catch(() => {});
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Every lock went with the connection: no lease may be trusted any more. */
  private lost(): void {
    for (const lease of this.leases.values()) lease.held = false;
    this.leases.clear();
  }
}

/** The locks of this process's POP3 sessions, on their own connection to `url`. */
export function maildropLocks(url: string): MaildropLocks {
  return new AdvisoryLocks(url);
}
