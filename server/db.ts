// The Prisma client. Only server/ imports this module (lint enforces it).
import { PrismaPg } from "@prisma/adapter-pg";
import { closeSqlPool } from "./db/raw-sql.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.ts";

export function createDb(url: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: url, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

let shared: Db | undefined;

/**
 * The process-wide client. `yubin start` sets DATABASE_URL (to the embedded
 * server when none is configured) before anything calls this.
 */
export function db(): Db {
  if (!shared) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: the database has not been started");
    shared = createDb(url);
  }
  return shared;
}

/** Whether this process has made its client (db() was called since the last disconnect). */
export function dbClientOpen(): boolean {
  return shared !== undefined;
}

export async function disconnectDb(): Promise<void> {
  const client = shared;
  shared = undefined;
  await client?.$disconnect();
  await closeSqlPool();
}
