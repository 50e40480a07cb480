// Every Yubin process that reported in (heartbeat.ts), with whether it still
// does. Shared by `yubin status` (cluster-status.ts) and the admin's server
// status page (server-health.ts); kept apart from cluster-status.ts, whose
// migration check reads prisma/migrations from disk, which the web bundle
// cannot do.
import { db } from "../db.ts";
import { STALE_AFTER_SECONDS } from "./heartbeat.ts";

export interface ClusterNode {
  id: string;
  hostname: string;
  pid: number;
  roles: string[];
  listeners: Record<string, number>;
  startedAt: string;
  lastSeenAt: string;
  up: boolean;
}

export async function clusterNodes(now = Date.now()): Promise<ClusterNode[]> {
  const rows = await db().nodeHeartbeat.findMany({ orderBy: { startedAt: "asc" } });
  return rows.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    pid: r.pid,
    roles: r.roles,
    listeners: r.listeners as Record<string, number>,
    startedAt: r.startedAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    up: now - r.lastSeenAt.getTime() < STALE_AFTER_SECONDS * 1000,
  }));
}
