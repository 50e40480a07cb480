// The database for this process: DATABASE_URL when configured, else the
// embedded PostgreSQL in the data dir (started, or joined when another Yubin
// process already runs it). Migrations are applied before anything uses it.

import { startEmbeddedPostgres } from "../db/embedded.ts";
import { applyMigrations } from "../db/migrate.ts";
import { dbClientOpen, disconnectDb } from "../db.ts";
import type { Env } from "../env.ts";

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  appliedMigrations: string[];
  close(): Promise<void>;
}

export async function openDatabase(env: Env, log: (line: string) => void = () => {}): Promise<OpenDatabase> {
  // A process that was already using the database (a test running a CLI
  // command in its own process) keeps its client when this one closes.
  const clientWasOpen = dbClientOpen();
  const embedded = env.DATABASE_URL ? null : await startEmbeddedPostgres(env.dataDir, { log });
  const url = env.DATABASE_URL ?? (embedded?.url as string);
  try {
    const appliedMigrations = await applyMigrations(url);
    for (const name of appliedMigrations) log(`applied migration ${name}`);
    process.env.DATABASE_URL = url;
    return {
      url,
      embedded: !!embedded,
      appliedMigrations,
      close: async () => {
        if (!clientWasOpen) await disconnectDb();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}
