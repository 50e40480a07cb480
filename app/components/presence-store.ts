// Presence in the browser. server/realtime/presence/ decides and stores it; this tab
// keeps what its live stream said (live-updates.tsx feeds it) for the inbox
// rows and the conversation bar to read, and tells the server what this tab
// shows and whether its person is typing. One store per tab: presence is
// client state and never causes a router.refresh.

import { PRESENCE_HEARTBEAT_MS } from "../../server/realtime/presence/presence-timing.ts";
import type { PresenceNotice, PresenceState } from "../../server/realtime/presence-events.ts";

/** Expired entries are pruned this often (the server also says when they go). */
const PRUNE_MS = 2_000;
/** An entry outlives its server TTL by this much, so a heartbeat in flight does not make it flicker. */
const TTL_SLACK_MS = 5_000;

export type { PresenceState };

/** Another person in a conversation, with the liveliest state of their tabs. */
export interface PresentUser {
  userId: number;
  name: string;
  state: PresenceState;
}

const RANK: Record<PresenceState, number> = { viewing: 0, noting: 1, replying: 2 };
const NOBODY: PresentUser[] = [];

class PresenceStore {
  private readonly entries = new Map<string, { notice: PresenceNotice; expiresAt: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly cache = new Map<number, { key: string; users: PresentUser[] }>();
  private pruner: ReturnType<typeof setInterval> | null = null;
  /** This tab's live stream and user, from the stream's "ready" event; null while disconnected. */
  streamId: string | null = null;
  private selfId: number | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  connected(streamId: string, userId: number) {
    this.streamId = streamId;
    this.selfId = userId;
    this.changed();
    reporter.streamChanged();
  }

  disconnected() {
    this.streamId = null;
  }

  /** A snapshot: everything present now, replacing what the tab knew. */
  replaceAll(notices: PresenceNotice[]) {
    this.entries.clear();
    for (const notice of notices) this.put(notice);
    this.changed();
  }

  apply(notice: PresenceNotice) {
    this.put(notice);
    this.changed();
  }

  /** Who else is in the conversation, most active first; the same array while nothing changed. */
  usersIn = (conversationId: number): PresentUser[] => {
    const byUser = new Map<number, PresentUser>();
    for (const { notice } of this.entries.values()) {
      if (notice.conversationId !== conversationId || notice.userId === this.selfId || !notice.state) continue;
      const seen = byUser.get(notice.userId);
      if (!seen || RANK[notice.state] > RANK[seen.state]) {
        byUser.set(notice.userId, { userId: notice.userId, name: notice.name, state: notice.state });
      }
    }
    if (byUser.size === 0) return NOBODY;
    const users = [...byUser.values()].sort((a, b) => RANK[b.state] - RANK[a.state] || a.name.localeCompare(b.name));
    const key = users.map((u) => `${u.userId}:${u.state}:${u.name}`).join("\n");
    const cached = this.cache.get(conversationId);
    if (cached?.key === key) return cached.users;
    this.cache.set(conversationId, { key, users });
    return users;
  };

  private put(notice: PresenceNotice) {
    if (!notice.state) {
      this.entries.delete(notice.streamId);
      return;
    }
    this.entries.set(notice.streamId, { notice, expiresAt: Date.now() + notice.ttlMs + TTL_SLACK_MS });
  }

  private changed() {
    if (this.entries.size > 0 && !this.pruner) this.pruner = setInterval(() => this.prune(), PRUNE_MS);
    if (this.entries.size === 0 && this.pruner) {
      clearInterval(this.pruner);
      this.pruner = null;
    }
    for (const listener of [...this.listeners]) listener();
  }

  private prune() {
    const now = Date.now();
    let removed = false;
    for (const [streamId, { expiresAt }] of this.entries) {
      if (expiresAt <= now) {
        this.entries.delete(streamId);
        removed = true;
      }
    }
    if (removed) this.changed();
  }
}

type Wanted = { conversationId: number; state: PresenceState };

/**
 * This tab's own presence: what it wants the server to hold, sent one request
 * at a time, in order. The tab is "replying" while a reply composer holds
 * text its writer has not sent, "noting" while the note editor does, and
 * "viewing" otherwise — not "viewing" again after a pause in typing: a
 * half-written reply is still a reply someone else should know about.
 */
class PresenceReporter {
  private viewing: number | null = null;
  private readonly composing = new Set<"replying" | "noting">();
  private held: (Wanted & { streamId: string }) | null = null;
  private lastSentAt = 0;
  private busy = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  private get wanted(): Wanted | null {
    if (this.viewing === null) return null;
    const state = this.composing.has("replying") ? "replying" : this.composing.has("noting") ? "noting" : "viewing";
    return { conversationId: this.viewing, state };
  }

  view(conversationId: number) {
    this.viewing = conversationId;
    this.heartbeat ??= setInterval(() => this.flush(), PRESENCE_HEARTBEAT_MS);
    this.flush();
  }

  leave(conversationId: number) {
    if (this.viewing !== conversationId) return;
    this.viewing = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.flush();
  }

  /** Whether the reply composer or the note editor holds unsent text (false also when it closes). */
  composingText(state: "replying" | "noting", holdsText: boolean) {
    if (this.composing.has(state) === holdsText) return;
    if (holdsText) this.composing.add(state);
    else this.composing.delete(state);
    this.flush();
  }

  streamChanged() {
    // A new stream holds nothing yet (the old one's row went with it).
    this.held = null;
    this.flush();
  }

  /** The tab is shown again: a heartbeat a hidden tab's throttled timers held back goes now. */
  wake() {
    this.flush();
  }

  /** The page is going away (closing, or into the back-forward cache): leave now, without waiting. */
  pageHidden() {
    const held = this.held;
    this.held = null;
    if (held) void post("leave", { streamId: held.streamId, conversationId: held.conversationId }, true);
  }

  private async flush() {
    // One request at a time; the loop looks again after each, so the latest wish wins.
    if (this.busy) return;
    this.busy = true;
    try {
      for (;;) {
        const streamId = store.streamId;
        if (!streamId) return; // reported when the stream is (re)connected
        const wanted = this.wanted;
        const held = this.held?.streamId === streamId ? this.held : null;
        if (!wanted) {
          if (!held) return;
          this.held = null;
          await post("leave", { streamId, conversationId: held.conversationId });
        } else if (
          !held ||
          held.conversationId !== wanted.conversationId ||
          held.state !== wanted.state ||
          Date.now() - this.lastSentAt >= PRESENCE_HEARTBEAT_MS - 1_000
        ) {
          // Recorded before the answer: a failure is retried by the next heartbeat, not in a loop.
          this.held = { ...wanted, streamId };
          this.lastSentAt = Date.now();
          await post("report", { streamId, ...wanted });
        } else {
          return;
        }
      }
    } finally {
      this.busy = false;
    }
  }
}

/** A tRPC mutation as a plain JSON POST, so it can outlive the page (keepalive) when the tab closes. */
async function post(procedure: "report" | "leave", input: Record<string, unknown>, keepalive = false) {
  try {
    await fetch(`/api/trpc/presence.${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
      credentials: "same-origin",
      keepalive,
    });
  } catch {
    // Offline: the stream's end or the expiry clears it on the server.
  }
}

export const store = new PresenceStore();
export const reporter = new PresenceReporter();
