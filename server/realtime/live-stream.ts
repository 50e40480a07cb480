// The browser's live feed as Server-Sent Events: first the backlog after the
// last event the browser saw (Last-Event-ID or ?after=), then the events
// PostgreSQL NOTIFYs, limited to the mailboxes the user is a member of.
// Each event carries its LiveEvent id, so EventSource reconnects from there.
//
// Presence rides the same stream without ids (it is not logged): "ready"
// names the stream, which the browser quotes when it reports what it views
// (server/realtime/presence/); then comes a "presence-snapshot" of who is where in the
// user's mailboxes, and a "presence" event per change. When the stream ends,
// its own presence ends with it.
import { randomUUID } from "node:crypto";
import { MAX_DATABASE_ID } from "../access/database-id.ts";
import { memberMailboxIds } from "../access/gate.ts";
import { db } from "../db.ts";
import type { LiveNotice } from "./live-events.ts";
import { liveHub } from "./live-hub.ts";
import { endStreamPresence } from "./presence/clear-presence.ts";
import { presenceSnapshot } from "./presence/presence-snapshot.ts";
import { holdPresenceSweeper } from "./presence/presence-sweeper.ts";
import type { PresenceNotice } from "./presence-events.ts";

/** At most this many missed events are replayed; beyond it the browser is told to refetch everything. */
export const LIVE_BACKLOG_LIMIT = 500;
export const LIVE_HEARTBEAT_MS = 15_000;
/** Memberships (and the session) are re-read this often, so a removed member or an ended session stops receiving events. */
const MEMBERSHIP_REFRESH_MS = 30_000;

/** The id to resume after: Last-Event-ID wins over ?after=; null when neither is a valid id. */
export function resumeId(request: Request): number | null {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after");
  if (raw === null || !/^(?:0|[1-9]\d{0,9})$/.test(raw.trim())) return null;
  const value = Number(raw.trim());
  return value <= MAX_DATABASE_ID ? value : null;
}

function frame(notice: LiveNotice): string {
  const data = { id: notice.id, mailboxId: notice.mailboxId, conversationId: notice.conversationId, kind: notice.kind };
  return `id: ${notice.id}\nevent: live\ndata: ${JSON.stringify(data)}\n\n`;
}

/** What the browser gets of a presence notice (the same fields, named explicitly so nothing else leaks). */
function presenceData(notice: PresenceNotice): PresenceNotice {
  const { streamId, userId, name, mailboxId, conversationId, state, ttlMs } = notice;
  return { streamId, userId, name, mailboxId, conversationId, state, ttlMs };
}

async function backlog(mailboxIds: number[], after: number, limit: number): Promise<LiveNotice[]> {
  if (mailboxIds.length === 0) return [];
  const rows = await db().liveEvent.findMany({
    where: { mailboxId: { in: mailboxIds }, id: { gt: after } },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true, mailboxId: true, conversationId: true, kind: true },
  });
  return rows as LiveNotice[];
}

async function latestId(mailboxIds: number[]): Promise<number> {
  if (mailboxIds.length === 0) return 0;
  const row = await db().liveEvent.aggregate({ where: { mailboxId: { in: mailboxIds } }, _max: { id: true } });
  return row._max.id ?? 0;
}

export function liveStream(options: {
  userId: number;
  after: number | null;
  signal: AbortSignal;
  /** Re-asked with the memberships: false once the session has ended (sign-out elsewhere, disabled user). */
  sessionValid?: () => Promise<boolean>;
}): ReadableStream {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream({
    async start(controller) {
      let closed = false;
      const streamId = randomUUID();
      let lastSent = 0;
      let mailboxes = new Set<number>();
      // Live notices wait here until the backlog is out, so order holds and none is lost.
      let pending: LiveNotice[] | null = [];
      let catchingUp: Promise<void> = Promise.resolve();
      // Presence notices wait here until the snapshot is out (null: send them as they come).
      let pendingPresence: PresenceNotice[] | null = [];

      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      // Ids come from a sequence, so a transaction can commit a lower id after a higher one:
      // live notices are deduplicated by id rather than dropped for being lower than the last.
      const recent = new Set<number>();
      const send = (notice: LiveNotice, replay = false) => {
        if (!mailboxes.has(notice.mailboxId) || recent.has(notice.id)) return;
        if (replay && notice.id <= lastSent) return;
        recent.add(notice.id);
        if (recent.size > 1000) recent.delete(recent.values().next().value as number);
        lastSent = Math.max(lastSent, notice.id);
        write(frame(notice));
      };
      /** Replays everything after lastSent from the table; too much → tell the browser to refetch. */
      const catchUp = async () => {
        const rows = await backlog([...mailboxes], lastSent, LIVE_BACKLOG_LIMIT + 1);
        if (rows.length > LIVE_BACKLOG_LIMIT) {
          lastSent = await latestId([...mailboxes]);
          write(`id: ${lastSent}\nevent: reset\ndata: {"reason":"too many missed events"}\n\n`);
          return;
        }
        for (const row of rows) send(row, true);
      };
      const sendPresence = (notice: PresenceNotice) => {
        if (mailboxes.has(notice.mailboxId))
          write(`event: presence\ndata: ${JSON.stringify(presenceData(notice))}\n\n`);
      };
      /** Everyone present in the user's mailboxes now; the browser replaces what it had. */
      const snapshot = async () => {
        pendingPresence ??= [];
        try {
          const entries = await presenceSnapshot([...mailboxes]);
          write(`event: presence-snapshot\ndata: ${JSON.stringify({ entries: entries.map(presenceData) })}\n\n`);
        } finally {
          const queued = pendingPresence;
          pendingPresence = null;
          for (const notice of queued) sendPresence(notice);
        }
      };

      // Live notices wait here while an access change is re-checked (see onAccess).
      let held: LiveNotice[] | null = null;
      /**
       * Re-reads the session and the memberships now: an ended session closes
       * the stream (after an "ended" event); a changed set of mailboxes sends
       * "reset", so the browser refetches what it shows.
       */
      const recheck = async () => {
        if (options.sessionValid && !(await options.sessionValid())) {
          write('event: ended\ndata: {"reason":"session ended"}\n\n');
          close();
          return;
        }
        const ids = new Set(await memberMailboxIds(options.userId));
        const changed = ids.size !== mailboxes.size || [...ids].some((id) => !mailboxes.has(id));
        mailboxes = ids;
        if (changed) write(`id: ${lastSent}\nevent: reset\ndata: {"reason":"access changed"}\n\n`);
      };

      const subscription = liveHub().subscribe({
        onNotice(notice) {
          if (pending) pending.push(notice);
          else if (held) held.push(notice);
          else send(notice);
        },
        onAccess(notice) {
          if (!notice.userIds?.includes(options.userId)) return;
          // Notices that commit after the change arrive after this one: hold them
          // until the memberships are re-read, so none of a mailbox just left leaks.
          held ??= [];
          catchingUp = catchingUp
            .then(recheck)
            .catch(() => close())
            .finally(() => {
              const queued = held ?? [];
              held = null;
              for (const queuedNotice of queued) send(queuedNotice);
            });
        },
        onPresence(notice) {
          if (pendingPresence) pendingPresence.push(notice);
          else sendPresence(notice);
        },
        onResync() {
          catchingUp = catchingUp.then(catchUp).catch(() => {});
          // Presence missed while the LISTEN connection was down cannot be replayed: resend it all.
          catchingUp = catchingUp.then(snapshot).catch(() => {});
        },
      });
      const releaseSweeper = holdPresenceSweeper();
      const heartbeat = setInterval(() => write(": ping\n\n"), LIVE_HEARTBEAT_MS);
      const refresh = setInterval(() => {
        options
          .sessionValid?.()
          .then((valid) => {
            if (!valid) close();
          })
          .catch(() => {});
        memberMailboxIds(options.userId)
          .then((ids) => {
            mailboxes = new Set(ids);
          })
          .catch(() => {});
      }, MEMBERSHIP_REFRESH_MS);
      function close() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        clearInterval(refresh);
        subscription.unsubscribe();
        releaseSweeper();
        endStreamPresence(streamId).catch(() => {});
        options.signal.removeEventListener("abort", close);
        try {
          controller.close();
        } catch {
          // Already closed by the client going away.
        }
      }
      cleanup = close;
      options.signal.addEventListener("abort", close);
      if (options.signal.aborted) return close();

      try {
        // A lost LISTEN connection is retried by the hub, which then asks for a resync.
        await subscription.ready.catch(() => {});
        mailboxes = new Set(await memberMailboxIds(options.userId));
        // Tell EventSource to retry quickly after a drop.
        write("retry: 2000\n\n");
        const ready = JSON.stringify({ stream: streamId, userId: options.userId });
        if (options.after === null) {
          // A fresh connection starts now: its id lets a reconnect resume from here.
          lastSent = await latestId([...mailboxes]);
          write(`id: ${lastSent}\nevent: ready\ndata: ${ready}\n\n`);
        } else {
          lastSent = options.after;
          write(`event: ready\ndata: ${ready}\n\n`);
          await catchUp();
        }
        const queued = pending ?? [];
        pending = null;
        for (const notice of queued) if (notice.id > lastSent) send(notice);
        await snapshot();
      } catch {
        close();
      }
    },
    cancel() {
      cleanup();
    },
  });
}
