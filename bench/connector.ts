// How fast a connector imports: 10,000 messages of 10 KiB in a loopback
// Dovecot's INBOX (tests/support/dovecot.ts, implicit TLS), imported into a
// fresh shared mailbox by the connector runner the mail role runs (fetch in
// batches over one IMAP connection, parse, one transaction per batch through
// the one write path with the folder's highest UID). Then five more messages
// are APPENDed one at a time, and for each it reports how long until a bare
// IMAP client IDLE on the same INBOX hears the EXISTS (Dovecot's own share)
// and until the browser's live feed is told (the LiveEvent's NOTIFY on
// LIVE_CHANNEL, heard through the live hub a web process uses). Prints
// figures, never fails on a time.
//
// Usage: npm run bench:connector -- [--messages 10000] [--size 10240] [--batch 100]

import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startConnectorRunner } from "../mail-daemons/connector/connector-runner.ts";
import { addConnector } from "../server/connectors/connector-admin.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { closeSqlPool, sql } from "../server/db/raw-sql.ts";
import { disconnectDb } from "../server/db.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { createMailbox } from "../server/mailboxes/create-mailbox.ts";
import { liveHub } from "../server/realtime/live-hub.ts";
import { startDovecot } from "../tests/support/dovecot.ts";
import { benchMessage } from "./mail-corpus.ts";
import { busyShare, cpuSample, cpuSeconds, descendants, machineTicks } from "./proc-stats.ts";

const { values } = parseArgs({
  options: { messages: { type: "string" }, size: { type: "string" }, batch: { type: "string" } },
});
const count = Number(values.messages ?? 10_000);
const size = Number(values.size ?? 10 * 1024);
const batchSize = values.batch ? Number(values.batch) : undefined;
const user = "remote@bench.example";
const password = "bench-secret";

const loadBefore = os.loadavg();
const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-connector-"));
chmodSync(scratch, 0o711);
const dovecot = await startDovecot({ [user]: password });
const postgres = await startEmbeddedPostgres(path.join(scratch, "pg"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
try {
  dovecot.fillInbox(
    user,
    Array.from({ length: count }, (_, i) => benchMessage("connector", i, size, "support@example.com").data),
  );
  await applyMigrations(postgres.url);
  process.env.DATABASE_URL = postgres.url;
  await addDomain({ name: "example.com", actorId: null });
  await createMailbox({ address: "support@example.com", kind: "shared", actorId: null });
  const connector = await addConnector({
    address: "support@example.com",
    settings: {
      host: "localhost",
      port: dovecot.imapsPort,
      tls: "implicit",
      username: user,
      password,
      caPem: dovecot.certPem,
    },
    dataDir: scratch,
    actorId: null,
  });
  const postmaster = Number(readFileSync(path.join(scratch, "pg", "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  const pgBefore = cpuSample(descendants([postmaster]));
  const machineBefore = machineTicks();
  const cpu = process.cpuUsage();
  const started = Date.now();
  const runner = startConnectorRunner({ dataDir: scratch, log: () => {}, claimEveryMs: 100, batchSize });
  // One small statement a poll: the admin view (getConnector, through Prisma) cost the
  // import a noticeable share of this process's CPU when asked ten times a second.
  for (;;) {
    const [c] = await sql.$queryRaw<{ imported: number; status: string; lastError: string | null }[]>`
      select imported, status, "lastError" from "Connector" where id = ${connector.id}::int`;
    if (c && c.imported >= count && c.status === "idle") break;
    if (c?.lastError) throw new Error(c.lastError);
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const pgSeconds = cpuSeconds(pgBefore, cpuSample(descendants([postmaster])));
  const machineBusy = busyShare(machineBefore, machineTicks());
  // New mail during IDLE, five times, one at a time: from the APPEND command (over a session
  // already signed in, so the time is the mail's arrival, not a login) until a web process's
  // live hub hears the LiveEvent's NOTIFY (at the connector's COMMIT): what a browser's live
  // stream is sent next. A bare imapflow client IDLE on the same INBOX times the untagged
  // EXISTS beside it: the part of the figure that is Dovecot's before the connector can know.
  const liveMs: number[] = [];
  const existsMs: number[] = [];
  let heard: (() => void) | null = null;
  const subscription = liveHub().subscribe({
    onNotice: (notice) => {
      if (notice.kind === "message.stored") heard?.();
    },
    onResync: () => {},
  });
  await subscription.ready;
  const probe = await dovecot.client(user);
  await probe.mailboxOpen("INBOX", { readOnly: true });
  let existsHeard: (() => void) | null = null;
  probe.on("exists", () => existsHeard?.());
  const sender = await dovecot.client(user);
  try {
    for (let i = 0; i < 5; i++) {
      probe.idle().catch(() => {});
      await sleep(500);
      const live = new Promise<void>((resolve) => {
        heard = resolve;
      });
      const exists = new Promise<void>((resolve) => {
        existsHeard = resolve;
      });
      const appended = Date.now();
      const appending = sender.append("INBOX", benchMessage("connector-live", i, size, "support@example.com").data);
      await Promise.all([
        exists.then(() => existsMs.push(Date.now() - appended)),
        live.then(() => liveMs.push(Date.now() - appended)),
        appending,
      ]);
      // The probe leaves IDLE (a NOOP ends it) so that the next round starts it afresh.
      await probe.noop();
    }
  } finally {
    subscription.unsubscribe();
    await sender.logout().catch(() => {});
    await probe.logout().catch(() => {});
  }
  await runner.stop();
  console.log(
    `bench:connector — ${count} messages of ${size} bytes from a loopback Dovecot (${dovecot.imapsPort}, TLS)`,
  );
  console.log(`  wall            ${seconds.toFixed(2)} s (from the runner's start to the last batch committed)`);
  console.log(`  throughput      ${(count / seconds).toFixed(0)} messages/s`);
  const nodeSeconds = (used.user + used.system) / 1e6;
  console.log(`  Node CPU        ${nodeSeconds.toFixed(2)} s`);
  console.log(
    `  PostgreSQL CPU  ${pgSeconds.toFixed(2)} s; Node and PostgreSQL: ${(((nodeSeconds + pgSeconds) / count) * 1000).toFixed(2)} ms of CPU per message (Dovecot's not counted)`,
  );
  console.log(`  machine busy    ${(machineBusy * 100).toFixed(0)}% of all CPUs during the import (this run included)`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `  new mail        live NOTIFY ${liveMs.join(", ")} ms after its APPEND (IDLE; median ${median(liveMs)} ms, max ${Math.max(...liveMs)} ms)`,
  );
  console.log(
    `                  EXISTS heard by a bare IDLE client ${existsMs.join(", ")} ms (median ${median(existsMs)} ms): Dovecot's share`,
  );
  console.log(
    `  load average    ${loadBefore.map((l) => l.toFixed(2)).join(" ")} → ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`  machine         ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}`);
} finally {
  await disconnectDb();
  await closeSqlPool();
  await postgres.stop();
  await dovecot.stop();
  rmSync(scratch, { recursive: true, force: true });
}
