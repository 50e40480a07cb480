import { loadEnv } from "../server/env.ts";
import { openDatabase } from "../server/lifecycle/open-database.ts";

/** Runs a CLI command against the database, starting the embedded one just for it if no server runs. */
export async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const database = await openDatabase(loadEnv());
  try {
    return await fn();
  } finally {
    await database.close();
  }
}
