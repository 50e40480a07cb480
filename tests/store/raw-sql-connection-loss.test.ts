// A transaction whose connection the server ends between two statements
// (PostgreSQL stopped immediately or restarted, the backend terminated) must
// fail that transaction with an error — a 451 for the SMTP message being
// stored — and leave the process running. pg-pool takes its "error" listener
// off a checked-out client, so without one of our own the client's "error"
// event had no listener and Node ended the mail process with every session
// in it (found by `npm run chaos`, bench/chaos-inbound.ts --fault postgres).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSqlPool, sqlTransaction } from "../../server/db/raw-sql.ts";
import { useTestDatabase } from "../support/database.ts";

let url: string;
let admin: pg.Client;

beforeAll(async () => {
  url = await useTestDatabase();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
  await closeSqlPool();
});

async function backendGone(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rowCount } = await admin.query("select 1 from pg_stat_activity where pid = $1", [pid]);
    if (!rowCount) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`backend ${pid} still there`);
}

describe("a transaction that loses its connection between statements", () => {
  it("rejects, and the next transaction runs on a fresh connection", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const failed = sqlTransaction(async (tx) => {
        const [row] = await tx.$queryRaw<{ pid: number }[]>`select pg_backend_pid() as pid`;
        const pid = (row as { pid: number }).pid;
        // The server ends this session while no statement of ours is running.
        await admin.query("select pg_terminate_backend($1)", [pid]);
        await backendGone(pid);
        await new Promise((r) => setTimeout(r, 50));
        await tx.$queryRaw`select 1`;
        return pid;
      });
      await expect(failed).rejects.toThrow(/terminat|not queryable|Connection/i);
      const [again] = await sqlTransaction(async (tx) => tx.$queryRaw<{ one: number }[]>`select 1 as one`);
      expect(again).toEqual({ one: 1 });
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
  });
});
