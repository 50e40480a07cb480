// Wakes idle delivery workers the moment a job is committed (enqueue.ts
// sends NOTIFY in the same transaction), so a message leaves within
// milliseconds instead of at the next poll. Polling stays as the fallback:
// a lost notification only costs one poll interval.
import pg from "pg";
import type { Log } from "../cluster/error-log.ts";
import { OUTBOUND_CHANNEL } from "./queue-types.ts";

export async function listenForQueuedMail(onQueued: () => void, log: Log): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  let closed = false;
  let client: pg.Client | null = null;
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", () => onQueued());
    next.on("error", (error) => {
      log(`delivery: queue listener lost: ${error.message}; reconnecting`, "error");
      next.end().catch(() => {});
      if (!closed) setTimeout(() => connect().catch(() => {}), 1000).unref();
    });
    await next.connect();
    await next.query(`listen ${OUTBOUND_CHANNEL}`);
    client = next;
  };
  await connect();
  return async () => {
    closed = true;
    await client?.end().catch(() => {});
  };
}
