import { db } from "../db.ts";

/** One round trip; false when the database does not answer (health checks must not throw). */
export async function databaseReachable(): Promise<boolean> {
  return db().$queryRaw`select 1`.then(() => true).catch(() => false);
}
