// Wakes idle delivery workers the moment a job is committed (enqueue.ts
// sends NOTIFY in the same transaction), so a message leaves within
// milliseconds instead of at the next poll. Polling stays as the fallback:
// a lost notification only costs one poll interval.
import pg from "pg";
import type { Log } from "../cluster/error-log.ts";
import { OUTBOUND_CHANNEL } from "./queue-types.ts";

const RECONNECT_MS = 1000;

export async function listenForQueuedMail(onQueued: () => void, log: Log): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  let closed = false;
  let client: pg.Client | null = null;
  // Until a reconnect succeeds, every second: a database restarting (or
  // stopped for longer than a second) must not end the listening for good.
  const reconnect = () => {
    if (closed) return;
    setTimeout(() => {
      if (closed) return;
      connect().catch(reconnect);
    }, RECONNECT_MS).unref();
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: url });
    next.on("notification", () => onQueued());
    let lost = false;
    next.on("error", (error) => {
      if (lost) return;
      lost = true;
      log(`delivery: queue listener lost: ${error.message}; reconnecting`, "error");
      next.end().catch(() => {});
      if (client === next) reconnect();
    });
    try {
      await next.connect();
      await next.query(`listen ${OUTBOUND_CHANNEL}`);
    } catch (error) {
      lost = true;
      next.end().catch(() => {});
      throw error;
    }
    client = next;
    // Jobs committed while nobody listened are found by the workers' poll; wake them now anyway.
    onQueued();
  };
  await connect();
  return async () => {
    closed = true;
    await client?.end().catch(() => {});
  };
}
