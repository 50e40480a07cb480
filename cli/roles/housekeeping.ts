// Timed chores every Yubin process runs; each is safe to race across
// processes (FOR UPDATE SKIP LOCKED and re-checked conditions), so none needs
// a leader: snoozed conversations wake (wake-snoozed.ts) and approvals whose
// process died before sending are given back (release-stalled.ts), and
// login counters whose window and lock are over are dropped (throttle.ts).
import { releaseStalledApprovals } from "../../server/approval/release-stalled.ts";
import { purgeExpiredThrottles } from "../../server/auth/throttle.ts";
import { WAKE_BATCH, wakeSnoozed } from "../../server/workflow/wake-snoozed.ts";

export const HOUSEKEEPING_INTERVAL_MS = 15_000;

/** The process-wide timer; stop() waits for a run in progress. */
export function startHousekeeping(log: (line: string) => void, intervalMs = HOUSEKEEPING_INTERVAL_MS) {
  let running: Promise<unknown> = Promise.resolve();
  const chore = (name: string, run: () => Promise<unknown>) => () =>
    run().catch((e: unknown) => log(`${name}: ${(e as Error).message}`));
  const wake = chore("snooze waker", async () => {
    // Drain a backlog (e.g. after downtime) batch by batch.
    while ((await wakeSnoozed()).length === WAKE_BATCH) {}
  });
  const release = chore("approval release", async () => {
    const released = await releaseStalledApprovals();
    if (released.length) log(`approval release: ${released.length} stalled approval(s) returned to pending`);
  });
  const purge = chore("login counters", purgeExpiredThrottles);
  const timer = setInterval(() => {
    running = running.then(wake).then(release).then(purge);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
