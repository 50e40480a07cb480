// Each running Yubin process keeps one row up to date, so `yubin status` and
// the admin pages can tell which roles run where, across machines.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { db } from "../db.ts";

export const HEARTBEAT_SECONDS = 10;
/** A node silent for this long is reported as down. */
export const STALE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS;

export interface Heartbeat {
  id: string;
  stop(): Promise<void>;
}

export async function startHeartbeat(roles: string[], listeners: Record<string, number>): Promise<Heartbeat> {
  const id = randomUUID();
  const startedAt = new Date();
  const beat = () =>
    db().nodeHeartbeat.upsert({
      where: { id },
      create: { id, hostname: os.hostname(), pid: process.pid, roles, listeners, startedAt, lastSeenAt: new Date() },
      update: { lastSeenAt: new Date() },
    });
  await beat();
  const timer = setInterval(() => {
    beat().catch(() => {
      // The database may be briefly unreachable; the next beat retries.
    });
  }, HEARTBEAT_SECONDS * 1000);
  timer.unref();
  return {
    id,
    stop: async () => {
      clearInterval(timer);
      await db()
        .nodeHeartbeat.delete({ where: { id } })
        .catch(() => {});
    },
  };
}
