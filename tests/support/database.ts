// A fresh, migrated database for one test file.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { applyMigrations } from "../../server/db/migrate.ts";

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates an empty database and returns its URL (no migrations applied). */
export async function createEmptyDatabase(): Promise<string> {
  const base = inject("postgresUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabaseName(base, name);
}

/**
 * Creates a migrated database and points DATABASE_URL (and so server/db.ts)
 * at it for this test file.
 */
export async function useTestDatabase(): Promise<string> {
  const url = await createEmptyDatabase();
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  return url;
}
