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

async function createDatabase(base: string, template?: string, prefix = "t"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabaseName(base, name);
}

/** Creates an empty database and returns its URL (no migrations applied). */
export function createEmptyDatabase(): Promise<string> {
  return createDatabase(inject("postgresUrl"));
}

/**
 * Migrates a new database once per run (global-setup.ts), as the template every
 * test file's database is copied from: a copy takes a fraction of a second,
 * applying every migration several. Returns its name. Migrations themselves are
 * tested on empty databases (store/migrations.test.ts).
 */
export async function createTemplateDatabase(base: string): Promise<string> {
  const url = await createDatabase(base, undefined, "template");
  await applyMigrations(url);
  // applyMigrations has closed its connection: nobody is connected to the template, as a copy requires.
  return new URL(url).pathname.slice(1);
}

/** Drops the template when the run ends (a shared server outlives the run). */
export async function dropDatabase(base: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name}`);
  } finally {
    await admin.end();
  }
}

/**
 * Creates a migrated database — a copy of the run's migrated template — and
 * points DATABASE_URL (and so server/db.ts) at it for this test file.
 */
export async function useTestDatabase(): Promise<string> {
  const url = await createDatabase(inject("postgresUrl"), inject("templateDatabase"));
  // A check that finds every migration applied (and unchanged) in the copy.
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  return url;
}
