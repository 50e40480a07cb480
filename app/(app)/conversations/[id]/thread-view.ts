// How a thread is shown: which messages start expanded, and where a message's
// Date header must be shown beside its arrival time. Pure, for a unit test.

/** Threads this short are shown whole: collapsing two or three messages hides more than it saves. */
export const SHORT_THREAD = 3;
/** A Date header further than this from the arrival disagrees with it (a delayed relay, a wrong clock, old mail). */
const DRIFT_MS = 60 * 60_000;
/** Unread messages start expanded, the newest this many of them (a whole imported thread is not a wall either). */
const OPEN_UNREAD = 3;

export interface ThreadItem {
  id: number;
  /** Arrival (INTERNALDATE): the order of the thread. */
  internalDate: Date;
  /** The Date header, as the sender's clock said. */
  date: Date | null;
  unread: boolean;
}

export interface ThreadPlan {
  /** Ids of the messages that start expanded. */
  open: number[];
  /** Per message id, the Date header where it disagrees with the arrival (order) (shown as "sent …"). */
  sentAt: Map<number, Date>;
}

/** `items` in arrival order. */
export function planThread(items: ThreadItem[]): ThreadPlan {
  const sentAt = new Map<number, Date>();
  items.forEach((item, i) => {
    if (!item.date) return;
    const previous = items[i - 1]?.internalDate;
    const next = items[i + 1]?.internalDate;
    // Shown by the Date header, the thread would run backwards here; or the header is far from the arrival.
    const backwards = (previous && item.date < previous) || (next && item.date > next);
    const drifted = Math.abs(item.date.getTime() - item.internalDate.getTime()) > DRIFT_MS;
    if (backwards || drifted) sentAt.set(item.id, item.date);
  });
  if (items.length <= SHORT_THREAD) return { open: items.map((m) => m.id), sentAt };
  const latest = items[items.length - 1] as ThreadItem;
  const unread = items
    .filter((m) => m.unread)
    .slice(-OPEN_UNREAD)
    .map((m) => m.id);
  return { open: [...new Set([...unread, latest.id])], sentAt };
}
