// One LISTEN connection per process on MAIL_CHANNEL (DESIGN.md "Processes"),
// fanned out to the IMAP sessions of this process by folder: a message stored
// by SMTP in another process, a flag set from the web, an expunge over POP3
// all reach a session in IDLE as soon as PostgreSQL delivers the NOTIFY at
// COMMIT. After a lost connection the hub reconnects and tells every watcher
// that something may have changed (a session then asks for the changes since
// its MODSEQ, so a notice missed meanwhile costs nothing).
import pg from "pg";
import { MAIL_CHANNEL, type MailEvent } from "./channels.ts";

const RECONNECT_MS = 1000;

type Watcher = () => void;

export class MailHub {
  private readonly byFolder = new Map<number, Set<Watcher>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly databaseUrl: string) {}

  /** Calls `onChange` after every committed change to the folder; returns the unsubscribe. */
  watch(folderId: number, onChange: Watcher): () => void {
    let set = this.byFolder.get(folderId);
    if (!set) {
      set = new Set();
      this.byFolder.set(folderId, set);
    }
    set.add(onChange);
    this.ensureConnected();
    return () => {
      const current = this.byFolder.get(folderId);
      if (!current) return;
      current.delete(onChange);
      if (current.size === 0) this.byFolder.delete(folderId);
    };
  }

  /** Resolves once LISTEN is in place (tests wait for it before causing a change). */
  ready(): Promise<void> {
    return this.ensureConnected();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect(false).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(resync: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on("notification", (message) => {
      if (message.channel !== MAIL_CHANNEL || !message.payload) return;
      let event: MailEvent;
      try {
        event = JSON.parse(message.payload) as MailEvent;
      } catch {
        return;
      }
      this.fire(this.byFolder.get(event.folderId));
    });
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${MAIL_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => {});
      this.retry();
      if (!resync) throw error;
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    if (resync) for (const set of this.byFolder.values()) this.fire(set);
  }

  private fire(watchers: Set<Watcher> | undefined): void {
    if (!watchers) return;
    for (const watcher of [...watchers]) {
      try {
        watcher();
      } catch {
        // One broken session must not starve the others.
      }
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    this.retry();
  }

  private retry(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed || this.client) return;
      this.connect(true).catch(() => {});
    }, RECONNECT_MS).unref();
  }
}
