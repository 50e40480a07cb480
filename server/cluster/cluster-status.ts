import { type LoginAttackSummary, loginAttackSummary } from "../auth/login-attacks.ts";
import { listMigrations } from "../db/migrate.ts";
import { db } from "../db.ts";
import { STALE_AFTER_SECONDS } from "./heartbeat.ts";

export interface ClusterStatus {
  database: { ok: boolean; error?: string; migrationsApplied: number; migrationsPending: string[] };
  nodes: {
    id: string;
    hostname: string;
    pid: number;
    roles: string[];
    listeners: Record<string, number>;
    startedAt: string;
    lastSeenAt: string;
    up: boolean;
  }[];
  counts: { users: number; domains: number; mailboxes: number };
  /** Logins and client addresses under a password-guessing attack right now. */
  signIn: LoginAttackSummary;
}

/** Health of the database and of every Yubin process that reported in. */
export async function clusterStatus(): Promise<ClusterStatus> {
  try {
    const applied = await db().$queryRaw<{ migration_name: string }[]>`
      select migration_name from "_prisma_migrations" where finished_at is not null and rolled_back_at is null`;
    const appliedNames = new Set(applied.map((r) => r.migration_name));
    const pending = listMigrations()
      .map((m) => m.name)
      .filter((n) => !appliedNames.has(n));
    const rows = await db().nodeHeartbeat.findMany({ orderBy: { startedAt: "asc" } });
    const now = Date.now();
    const [users, domains, mailboxes, signIn] = await Promise.all([
      db().user.count(),
      db().domain.count(),
      db().mailbox.count(),
      loginAttackSummary(),
    ]);
    return {
      database: { ok: true, migrationsApplied: appliedNames.size, migrationsPending: pending },
      nodes: rows.map((r) => ({
        id: r.id,
        hostname: r.hostname,
        pid: r.pid,
        roles: r.roles,
        listeners: r.listeners as Record<string, number>,
        startedAt: r.startedAt.toISOString(),
        lastSeenAt: r.lastSeenAt.toISOString(),
        up: now - r.lastSeenAt.getTime() < STALE_AFTER_SECONDS * 1000,
      })),
      counts: { users, domains, mailboxes },
      signIn,
    };
  } catch (e) {
    return {
      database: { ok: false, error: (e as Error).message, migrationsApplied: 0, migrationsPending: [] },
      nodes: [],
      counts: { users: 0, domains: 0, mailboxes: 0 },
      signIn: { logins: [], addresses: [] },
    };
  }
}
