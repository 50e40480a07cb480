// One LISTEN connection per process for the browser's live feed (DESIGN.md
// "Processes"): PostgreSQL delivers each committed LiveEvent's NOTIFY to every
// web process, and this hub fans it out to the SSE streams of that process.
// After a lost connection the hub reconnects and tells every subscriber to
// catch up from the table, so a notification missed meanwhile is not lost.
// The same connection listens for presence (PRESENCE_CHANNEL), which a
// resync answers with a fresh snapshot instead of a replay, and for changes of
// who may see what (ACCESS_CHANNEL), which make streams re-read memberships.
import pg from "pg";
import { ACCESS_CHANNEL, type AccessNotice } from "./access-events.ts";
import { LIVE_CHANNEL, type LiveNotice } from "./live-events.ts";
import { PRESENCE_CHANNEL, type PresenceNotice } from "./presence-events.ts";

export interface LiveSubscriber {
  onNotice(notice: LiveNotice): void;
  /** Someone's presence changed (PRESENCE_CHANNEL); not logged, so a resync takes a fresh snapshot. */
  onPresence?(notice: PresenceNotice): void;
  /** Memberships or sessions of these users changed (ACCESS_CHANNEL, access-events.ts). */
  onAccess?(notice: AccessNotice): void;
  /** The connection was re-established: notices may have been missed; re-read the table. */
  onResync(): void;
}

const RECONNECT_MS = 1000;

class LiveHub {
  private readonly subscribers = new Set<LiveSubscriber>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private generation = 0;

  subscribe(subscriber: LiveSubscriber): { ready: Promise<void>; unsubscribe: () => void } {
    this.subscribers.add(subscriber);
    const ready = this.ensureConnected();
    return {
      ready,
      unsubscribe: () => {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.close();
      },
    };
  }

  get size(): number {
    return this.subscribers.size;
  }

  private ensureConnected(): Promise<void> {
    if (this.client) return Promise.resolve();
    if (!this.connecting) {
      const generation = this.generation;
      this.connecting = this.connect(generation).finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async connect(generation: number, resync = false): Promise<void> {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (message) => {
      if (!message.payload) return;
      if (![LIVE_CHANNEL, PRESENCE_CHANNEL, ACCESS_CHANNEL].includes(message.channel)) return;
      let notice: LiveNotice | PresenceNotice | AccessNotice;
      try {
        notice = JSON.parse(message.payload) as LiveNotice | PresenceNotice | AccessNotice;
      } catch {
        return;
      }
      for (const subscriber of [...this.subscribers]) {
        try {
          if (message.channel === LIVE_CHANNEL) subscriber.onNotice(notice as LiveNotice);
          else if (message.channel === ACCESS_CHANNEL) subscriber.onAccess?.(notice as AccessNotice);
          else subscriber.onPresence?.(notice as PresenceNotice);
        } catch {
          // One broken stream must not starve the others.
        }
      }
    });
    next.on("error", () => this.lost(next));
    next.on("end", () => this.lost(next));
    try {
      await next.connect();
      await next.query(`listen ${LIVE_CHANNEL}; listen ${PRESENCE_CHANNEL}; listen ${ACCESS_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => {});
      if (generation !== this.generation || this.subscribers.size === 0) return;
      this.retry(generation);
      if (!resync) throw error;
      return;
    }
    if (generation !== this.generation || this.subscribers.size === 0) {
      await next.end().catch(() => {});
      return;
    }
    this.client = next;
    if (resync) for (const subscriber of [...this.subscribers]) subscriber.onResync();
  }

  private lost(client: pg.Client) {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => {});
    if (this.subscribers.size > 0) this.retry(this.generation);
  }

  private retry(generation: number) {
    setTimeout(() => {
      if (generation !== this.generation || this.client || this.subscribers.size === 0) return;
      this.connect(generation, true).catch(() => {});
    }, RECONNECT_MS).unref();
  }

  private close() {
    this.generation++;
    const client = this.client;
    this.client = null;
    client?.end().catch(() => {});
  }
}

// One hub per process, even if the bundler loads this module more than once.
const KEY = Symbol.for("yubin.liveHub");
type WithHub = typeof globalThis & { [KEY]?: LiveHub };

export function liveHub(): LiveHub {
  const scope = globalThis as WithHub;
  scope[KEY] ??= new LiveHub();
  return scope[KEY];
}
