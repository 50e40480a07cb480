// Timed chores every Yubin process runs; each is safe to race across
// processes (FOR UPDATE SKIP LOCKED and re-checked conditions), so none needs
// a leader: snoozed conversations wake (wake-snoozed.ts) and approvals whose
// process died before sending are given back (release-stalled.ts), and
// login counters whose window and lock are over are dropped (throttle.ts),
// and deleted mail past its mailbox's retention window is purged for good
// (purge-deleted-mail.ts), and message traces past YUBIN_TRACE_RETENTION_DAYS
// (purge-traces.ts), and notifications are mailed to those who asked
// (mail-notifications.ts) with the daily digests (send-digests.ts).
import { releaseStalledApprovals } from "../../server/approval/release-stalled.ts";
import { purgeExpiredThrottles } from "../../server/auth/throttle.ts";
import type { Log } from "../../server/cluster/error-log.ts";
import { loadEnv } from "../../server/env.ts";
import { MAIL_BATCH, mailPendingNotifications } from "../../server/notifications/mail-notifications.ts";
import { sendDigests } from "../../server/notifications/send-digests.ts";
import { purgeAllDeletedMail } from "../../server/recovery/purge-deleted-mail.ts";
import { purgeTraces } from "../../server/trace/purge-traces.ts";
import { WAKE_BATCH, wakeSnoozed } from "../../server/workflow/wake-snoozed.ts";

export const HOUSEKEEPING_INTERVAL_MS = 15_000;

/** The process-wide timer; stop() waits for a run in progress. */
export function startHousekeeping(
  log: Log,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
  clock: () => Date = () => new Date(),
) {
  let running: Promise<unknown> = Promise.resolve();
  const chore = (name: string, run: () => Promise<unknown>) => () =>
    run().catch((e: unknown) => log(`${name}: ${(e as Error).message}`, "error"));
  const wake = chore("snooze waker", async () => {
    // Drain a backlog (e.g. after downtime) batch by batch.
    while ((await wakeSnoozed()).length === WAKE_BATCH) {}
  });
  const release = chore("approval release", async () => {
    const released = await releaseStalledApprovals();
    if (released.length) log(`approval release: ${released.length} stalled approval(s) returned to pending`);
  });
  const purge = chore("login counters", purgeExpiredThrottles);
  const retention = chore("deleted-mail purge", async () => {
    const purged = await purgeAllDeletedMail(clock());
    if (purged.messages) {
      log(
        `deleted-mail purge: ${purged.messages} message(s), ${purged.blobs} blob(s) (${purged.freedBlobBytes} bytes) freed`,
      );
    }
  });
  const traces = chore("trace purge", async () => {
    const purged = await purgeTraces({ now: clock(), retentionDays: loadEnv().YUBIN_TRACE_RETENTION_DAYS });
    if (purged) log(`trace purge: ${purged} trace(s) past the retention window deleted`);
  });
  const sender = () => {
    const env = loadEnv();
    return {
      hostname: env.YUBIN_HOSTNAME,
      publicUrl: env.YUBIN_PUBLIC_URL ?? `http://${env.YUBIN_HOSTNAME}:${env.YUBIN_HTTP_PORT}`,
    };
  };
  const notices = chore("notification mail", async () => {
    while ((await mailPendingNotifications({ ...sender(), now: clock() })).length === MAIL_BATCH) {}
  });
  const digests = chore("notification digest", async () => {
    const sent = await sendDigests({ ...sender(), now: clock() });
    if (sent.length) log(`notification digest: ${sent.length} digest(s) queued`);
  });
  const timer = setInterval(() => {
    running = running.then(wake).then(release).then(purge).then(retention).then(traces).then(notices).then(digests);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
