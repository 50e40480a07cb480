// The delivery role's LISTEN connection (server/outbound/queue-wakeup.ts)
// comes back after the database went away for longer than one reconnect
// attempt. It used to try once, a second after the loss: a PostgreSQL
// restart that took longer (bench/chaos-inbound.ts --fault postgres: several
// seconds on a busy machine) left the workers on their poll for good.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTBOUND_CHANNEL } from "../../server/outbound/queue-types.ts";
import { listenForQueuedMail } from "../../server/outbound/queue-wakeup.ts";
import { useTestDatabase, withDatabaseName } from "../support/database.ts";
import { waitFor } from "../support/wait.ts";

let admin: pg.Client;
/** On the test database: NOTIFY reaches only listeners of the same database. */
let notifier: pg.Client;
let database = "";

beforeAll(async () => {
  const url = await useTestDatabase();
  database = new URL(url).pathname.slice(1);
  // On another database: a session cannot refuse connections to its own.
  admin = new pg.Client({ connectionString: withDatabaseName(url, "postgres") });
  await admin.connect();
  notifier = new pg.Client({ connectionString: url });
  await notifier.connect();
});

afterAll(async () => {
  await admin.query(`alter database ${database} allow_connections true`);
  await admin.end();
  await notifier.end();
});

const listeners = async () =>
  Number(
    (
      await admin.query("select count(*) as n from pg_stat_activity where datname = $1 and query like 'listen %'", [
        database,
      ])
    ).rows[0].n,
  );

describe("the queue listener", () => {
  it("listens again after the database refused reconnects for a few seconds", async () => {
    let wakes = 0;
    const errors: string[] = [];
    const stop = await listenForQueuedMail(
      () => wakes++,
      (line) => errors.push(line),
    );
    try {
      const first = wakes;
      await notifier.query(`notify ${OUTBOUND_CHANNEL}`);
      await waitFor("the first notification", () => wakes > first, 5000);

      // The database goes away: the session ends and new ones are refused for 3.5 s.
      await admin.query(`alter database ${database} allow_connections false`);
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query like 'listen %'",
        [database],
      );
      await waitFor("the listener to notice", () => errors.length > 0, 5000);
      await new Promise((r) => setTimeout(r, 3500));
      expect(await listeners()).toBe(0);
      await admin.query(`alter database ${database} allow_connections true`);

      await waitFor("the listener to come back", async () => (await listeners()) === 1, 10_000);
      const before = wakes;
      await notifier.query(`notify ${OUTBOUND_CHANNEL}`);
      await waitFor("a notification after the outage", () => wakes > before, 5000);
    } finally {
      await stop();
    }
  });
});
