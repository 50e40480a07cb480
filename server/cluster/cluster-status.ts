import { type LoginAttackSummary, loginAttackSummary } from "../auth/login-attacks.ts";
import { listMigrations } from "../db/migrate.ts";
import { db } from "../db.ts";
import { type ClusterNode, clusterNodes } from "./cluster-nodes.ts";

export interface ClusterStatus {
  database: { ok: boolean; error?: string; migrationsApplied: number; migrationsPending: string[] };
  nodes: ClusterNode[];
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
    const nodes = await clusterNodes();
    const [users, domains, mailboxes, signIn] = await Promise.all([
      db().user.count(),
      db().domain.count(),
      db().mailbox.count(),
      loginAttackSummary(),
    ]);
    return {
      database: { ok: true, migrationsApplied: appliedNames.size, migrationsPending: pending },
      nodes,
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
