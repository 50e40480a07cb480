// How fast an mbox imports: a local mbox of 10 KiB messages (bare LF, as a
// Unix mail client writes it, with mboxrd quoting) imported into a fresh
// mailbox by the same code `yubin import` runs (startImport + runTransfer:
// streamed parsing, batches through the one write path, the job's position
// committed with each batch). Reports messages/s and MiB/s, the Node
// process's CPU time and peak RSS (the file is never held in memory: RSS
// stays flat whatever the file's size), and the load average before and
// after. Prints figures, never fails on a time.
//
// Usage: npm run bench:import -- [--messages 3000] [--size 10240]
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { operatorMailbox } from "../server/access/gate.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { closeSqlPool } from "../server/db/raw-sql.ts";
import { disconnectDb } from "../server/db.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { createMailbox } from "../server/mailboxes/create-mailbox.ts";
import { mboxEntry } from "../server/transfer/mbox-writer.ts";
import { runTransfer } from "../server/transfer/run-transfer.ts";
import { startImport } from "../server/transfer/start-transfer.ts";
import { benchMessage } from "./mail-corpus.ts";
import { busyShare, cpuSample, cpuSeconds, descendants, machineTicks } from "./proc-stats.ts";

const { values } = parseArgs({ options: { messages: { type: "string" }, size: { type: "string" } } });
const count = Number(values.messages ?? 3000);
const size = Number(values.size ?? 10 * 1024);

const loadBefore = os.loadavg();
const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-import-"));
execFileSync("chmod", ["0711", scratch]);
const file = path.join(scratch, "mailbox.mbox");
{
  // Written as a stream too: the bench must not need the file in memory either.
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) {
    const raw = Buffer.from(
      benchMessage("import", i, size, "support@example.com").data.toString("latin1").replace(/\r\n/g, "\n"),
      "latin1",
    );
    for (const piece of mboxEntry({
      raw,
      sender: `c${i}@customer.example`,
      date: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    })) {
      if (!out.write(piece)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
const bytes = statSync(file).size;

const postgres = await startEmbeddedPostgres(path.join(scratch, "pg"));
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
try {
  await applyMigrations(postgres.url);
  process.env.DATABASE_URL = postgres.url;
  await addDomain({ name: "example.com", actorId: null });
  await createMailbox({ address: "support@example.com", kind: "shared", actorId: null });
  const mailboxId = await operatorMailbox("support@example.com");
  if (mailboxId === null) throw new Error("no mailbox");
  const rssBefore = process.memoryUsage().rss;
  const postmaster = Number(readFileSync(path.join(scratch, "pg", "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  const pgBefore = cpuSample(descendants([postmaster]));
  const machineBefore = machineTicks();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const owner = `bench:${process.pid}`;
  const job = await startImport({ mailboxId, file, runner: "cli", actorId: null, claimFor: owner });
  const result = await runTransfer(job, { owner });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const pgSeconds = cpuSeconds(pgBefore, cpuSample(descendants([postmaster])));
  const machineBusy = busyShare(machineBefore, machineTicks());
  if (result.state !== "done" || result.job?.imported !== count) {
    throw new Error(`import ended ${result.state}: ${JSON.stringify(result.job)}`);
  }
  const mib = bytes / 1024 / 1024;
  console.log(`bench:import — ${count} messages of ${size} bytes, ${mib.toFixed(1)} MiB mbox, one import job`);
  console.log(`  wall            ${seconds.toFixed(2)} s`);
  console.log(`  throughput      ${(count / seconds).toFixed(0)} messages/s, ${(mib / seconds).toFixed(2)} MiB/s`);
  console.log(
    `  Node CPU        ${((used.user + used.system) / 1e6).toFixed(2)} s (${(((used.user + used.system) / 1e6 / seconds) * 100).toFixed(0)}% of one core)`,
  );
  const nodeSeconds = (used.user + used.system) / 1e6;
  console.log(
    `  PostgreSQL CPU  ${pgSeconds.toFixed(2)} s; Node and PostgreSQL: ${(((nodeSeconds + pgSeconds) / count) * 1000).toFixed(2)} ms of CPU per message`,
  );
  console.log(
    `  machine busy    ${(machineBusy * 100).toFixed(0)}% of both CPUs during the import (this run included)`,
  );
  console.log(
    `  Node RSS        ${(rssBefore / 1024 / 1024).toFixed(0)} MiB before, peak ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
  );
  console.log(
    `  load average    ${loadBefore.map((l) => l.toFixed(2)).join(" ")} → ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(`  machine         ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}`);
} finally {
  clearInterval(sampler);
  await disconnectDb();
  await closeSqlPool();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
}
