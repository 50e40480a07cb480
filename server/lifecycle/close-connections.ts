// For processes that use the database but did not open it themselves (MX
// cluster workers): close the pools before exiting.
import { disconnectDb } from "../db.ts";

export async function closeDatabaseConnections(): Promise<void> {
  await disconnectDb();
}
