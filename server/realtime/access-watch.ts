// One LISTEN connection per process on ACCESS_CHANNEL for the protocol
// sessions of the mail role (DESIGN.md "Processes"): it counts, per user, the
// notices that said their access changed, so that a session's cached verdict
// of the authority gate (server/access/login-access.ts) is known to be
// current exactly while no notice has named its user since it was asked,
// and the connection has stayed up meanwhile. While the connection is down
// (not yet up, lost, reconnecting) nothing counts as current, so sessions
// ask the gate at every command as before; every reconnect starts a new
// epoch, which drops every verdict made before it (notices may have been
// missed). Started by the first backend that acquires it, closed when the
// last one releases it.
import pg from "pg";
import { ACCESS_CHANNEL, type AccessNotice, accessNoticeHeard } from "./access-events.ts";

const RECONNECT_MS = 1000;
/** Names the connection in pg_stat_activity. */
export const ACCESS_WATCH_APPLICATION = "yubin access watch";

export class AccessWatch {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private users = 0;
  private epoch = 0;
  private readonly noticesByUser = new Map<number, number>();
  private databaseUrl: string | null = null;

  /** Starts listening (once per process); call the returned function when done with it. */
  acquire(databaseUrl: string): () => Promise<void> {
    this.databaseUrl ??= databaseUrl;
    this.users++;
    this.ensureConnected().catch(() => {});
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.users === 0) await this.close();
    };
  }

  /** Resolves once LISTEN is in place (or rejects when it cannot be). */
  ready(): Promise<void> {
    return this.ensureConnected();
  }

  /**
   * A value that stays the same while nothing may have changed the user's
   * access, as far as this process can tell; null when it cannot tell (not
   * listening). Compare two stamps with ===.
   */
  stamp(userId: number): string | null {
    if (!this.client) return null;
    return `${this.epoch}.${this.noticesByUser.get(userId) ?? 0}`;
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.users === 0) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const url = this.databaseUrl ?? process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const client = new pg.Client({ connectionString: url, application_name: ACCESS_WATCH_APPLICATION });
    client.on("notification", (message) => {
      if (message.channel !== ACCESS_CHANNEL || !message.payload) return;
      let notice: AccessNotice;
      try {
        notice = JSON.parse(message.payload) as AccessNotice;
      } catch {
        // Not one of ours: whatever it meant, no verdict can be trusted after it.
        this.epoch++;
        return;
      }
      for (const id of Array.isArray(notice.userIds) ? notice.userIds : []) {
        this.noticesByUser.set(id, (this.noticesByUser.get(id) ?? 0) + 1);
      }
      if (!Array.isArray(notice.userIds)) this.epoch++;
      accessNoticeHeard(notice);
    });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${ACCESS_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => {});
      this.retry();
      throw error;
    }
    if (this.users === 0) {
      await client.end().catch(() => {});
      return;
    }
    // Verdicts from before this connection were made while nothing listened.
    this.epoch++;
    this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.epoch++;
    client.end().catch(() => {});
    this.retry();
  }

  private retry(): void {
    setTimeout(() => {
      if (this.users === 0 || this.client) return;
      this.ensureConnected().catch(() => {});
    }, RECONNECT_MS).unref();
  }

  private async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.epoch++;
    this.noticesByUser.clear();
    await client?.end().catch(() => {});
  }
}

// One watch per process, even if the bundler loads this module more than once.
const KEY = Symbol.for("yubin.accessWatch");
type WithWatch = typeof globalThis & { [KEY]?: AccessWatch };

export function accessWatch(): AccessWatch {
  const scope = globalThis as WithWatch;
  scope[KEY] ??= new AccessWatch();
  return scope[KEY];
}
