// Inbound SMTP load: how many messages per second Yubin's MX makes durable
// (PostgreSQL commit before 250), and the same load against Debian's Postfix
// relaying to Dovecot LMTP → Maildir as a reference. A load generator, not a
// test: it reports figures and never fails on them. It does fail (exit 1) when
// the stores do not hold exactly the messages that were acknowledged, because
// then the figures would not mean what they say.
//
// Usage: npm run bench:smtp -- [--messages 3000] [--size 10KiB] [--connections 20]
//                               [--mode reuse|new] [--no-reference] [--no-docs]
//                               [--dovecot-fsync optimized|always] [--pg-activity]
// or the same as env: BENCH_MESSAGES, BENCH_SIZE, BENCH_CONNECTIONS, BENCH_MODE,
// BENCH_REFERENCE=0, BENCH_DOCS=0, BENCH_DOVECOT_FSYNC. BENCH_YUBIN_NODE_OPTIONS
// is given to the Yubin process as NODE_OPTIONS (e.g. "--import ./bench/cpu-profile.mjs"
// with BENCH_CPU_PROFILE_DIR) for profiling; BENCH_CODE labels the code under test.
//
//   reuse: each connection sends many messages, RSET between (the main figure)
//   new:   a new connection per message; smtp-server waits 100 ms before its
//          banner (early-talker check), which caps this mode (TOOLCHAIN.md)
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort, repoRoot, startYubinProcess } from "../tests/support/yubin-process.ts";
import { startDnsStub } from "./dns-stub.ts";
import { type BenchMessage, benchMessage } from "./mail-corpus.ts";
import { INSTALL_HINT, type MailFsync, referenceAvailability, startReference } from "./postfix-dovecot.ts";
import { busyShare, cpuSample, cpuSeconds, descendants, machineInfo, machineTicks } from "./proc-stats.ts";
import { SmtpSession } from "./smtp-client.ts";

type Mode = "reuse" | "new";
const RECIPIENT = "support@example.com";

// ---------------------------------------------------------------- options

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(text.trim());
  if (!m) throw new Error(`bad size: ${text} (e.g. 10KiB, 10240)`);
  const unit = (m[2] ?? "b").toLowerCase();
  const mult = unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1;
  return Math.round(Number(m[1]) * mult);
}

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", short: "n" },
    size: { type: "string", short: "s" },
    connections: { type: "string", short: "c" },
    mode: { type: "string", short: "m" },
    "no-reference": { type: "boolean" },
    "no-docs": { type: "boolean" },
    "dovecot-fsync": { type: "string" },
    "pg-activity": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (args.help) {
  console.log(readFileSync(new URL(import.meta.url), "utf8").split("\nimport ")[0]);
  process.exit(0);
}
const env = process.env;
const options = {
  messages: Number(args.messages ?? env.BENCH_MESSAGES ?? 3000),
  size: parseSize(args.size ?? env.BENCH_SIZE ?? "10KiB"),
  connections: Number(args.connections ?? env.BENCH_CONNECTIONS ?? 20),
  mode: (args.mode ?? env.BENCH_MODE ?? "reuse") as Mode,
  reference: !args["no-reference"] && env.BENCH_REFERENCE !== "0",
  docs: !args["no-docs"] && env.BENCH_DOCS !== "0",
  dovecotFsync: (args["dovecot-fsync"] ?? env.BENCH_DOVECOT_FSYNC ?? "optimized") as MailFsync,
  /** Diagnostics: sample pg_stat_activity during the Yubin run (adds a little load). */
  pgActivity: Boolean(args["pg-activity"]) || env.BENCH_PG_ACTIVITY === "1",
};
if (!Number.isInteger(options.messages) || options.messages < 1)
  throw new Error("--messages must be a positive integer");
if (!Number.isInteger(options.connections) || options.connections < 1) throw new Error("--connections must be ≥ 1");
if (options.mode !== "reuse" && options.mode !== "new") throw new Error("--mode is reuse or new");
if (!["optimized", "always", "never"].includes(options.dovecotFsync))
  throw new Error("--dovecot-fsync: optimized|always");
if (options.size < 1024) throw new Error("--size must be at least 1KiB");

// Settings of Yubin's own that change the figures are part of the command.
const command =
  (process.env.YUBIN_SMTP_PROCESSES ? `YUBIN_SMTP_PROCESSES=${process.env.YUBIN_SMTP_PROCESSES} ` : "") +
  `npm run bench:smtp -- --messages ${options.messages} --size ${options.size} --connections ${options.connections} ` +
  `--mode ${options.mode}` +
  (options.dovecotFsync !== "optimized" ? ` --dovecot-fsync ${options.dovecotFsync}` : "");

// ---------------------------------------------------------------- load

interface LoadResult {
  accepted: number;
  failures: number;
  failureSamples: string[];
  elapsedMs: number;
  /** Milliseconds from the end-of-data "." to the 250, per accepted message. */
  latencies: number[];
  /** new mode: milliseconds from connect() to the 220 greeting. */
  greetings: number[];
  startedAt: number;
}

async function runLoad(port: number, messages: BenchMessage[], mode: Mode, connections: number): Promise<LoadResult> {
  const result: LoadResult = {
    accepted: 0,
    failures: 0,
    failureSamples: [],
    elapsedMs: 0,
    latencies: [],
    greetings: [],
    startedAt: performance.now(),
  };
  let next = 0;
  const fail = (error: unknown) => {
    result.failures++;
    if (result.failureSamples.length < 5) result.failureSamples.push(String(error));
  };
  const open = async () => {
    const t = performance.now();
    const { session } = await SmtpSession.connect("127.0.0.1", port);
    result.greetings.push(performance.now() - t);
    await session.command("EHLO load.example.net", 250);
    return session;
  };

  async function reuseWorker(): Promise<void> {
    let session: SmtpSession | null = null;
    while (next < messages.length) {
      const message = messages[next++] as BenchMessage;
      try {
        session ??= await open();
        result.latencies.push(await session.send(message.from, RECIPIENT, message.data));
        result.accepted++;
      } catch (error) {
        fail(error);
      }
      try {
        await session?.command("RSET", 250);
      } catch {
        session?.destroy();
        session = null;
      }
    }
    await session?.quit().catch(() => {});
  }

  async function newConnectionWorker(): Promise<void> {
    while (next < messages.length) {
      const message = messages[next++] as BenchMessage;
      let session: SmtpSession | null = null;
      try {
        session = await open();
        result.latencies.push(await session.send(message.from, RECIPIENT, message.data));
        result.accepted++;
        await session.quit();
      } catch (error) {
        fail(error);
        session?.destroy();
      }
    }
  }

  result.startedAt = performance.now();
  await Promise.all(
    Array.from({ length: connections }, () => (mode === "reuse" ? reuseWorker() : newConnectionWorker())),
  );
  result.elapsedMs = performance.now() - result.startedAt;
  return result;
}

/** The commit and whether the code under test has uncommitted changes. */
function gitState(): string {
  // Set BENCH_CODE to label the code under test when it is not a git checkout (e.g. a `git archive` export).
  if (env.BENCH_CODE) return env.BENCH_CODE;
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "server", "mail-daemons", "prisma", "bin"], {
      cwd: repoRoot,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean).length;
    return dirty ? `${head} + uncommitted changes in ${dirty} files under server/ mail-daemons/ prisma/ bin/` : head;
  } catch {
    return "unknown (no git)";
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function summarize(r: LoadResult) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const greetings = [...r.greetings].sort((a, b) => a - b);
  return {
    rate: r.accepted / (r.elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    greetingP50: percentile(greetings, 50),
  };
}

// ---------------------------------------------------------------- Yubin helpers

function yubinCli(dataDir: string, ...cliArgs: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, "bin/yubin"), ...cliArgs],
      { cwd: repoRoot, env: { ...process.env, YUBIN_DATA_DIR: dataDir, DATABASE_URL: "" }, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** usedMessages of support@ as `yubin mailbox list` prints it. */
async function cliMessageCount(dataDir: string): Promise<number> {
  const out = await yubinCli(dataDir, "mailbox", "list");
  const line = out.split("\n").find((l) => l.startsWith(`${RECIPIENT}\t`));
  const m = line ? /\t(\d+) messages$/.exec(line) : null;
  if (!m) throw new Error(`no count for ${RECIPIENT} in \`yubin mailbox list\`:\n${out}`);
  return Number(m[1]);
}

/** The embedded PostgreSQL of a running Yubin: its URL and postmaster pid. */
function embeddedDatabase(dataDir: string): { url: string; pid: number } {
  const [pid, , , port] = readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n");
  const password = readFileSync(path.join(dataDir, "pg-password"), "utf8").trim();
  return { url: `postgresql://yubin:${encodeURIComponent(password)}@127.0.0.1:${port}/yubin`, pid: Number(pid) };
}

/**
 * Samples what Yubin's database sessions are doing every 25 ms until stopped:
 * "idle in transaction" means PostgreSQL waits for the Node.js process inside
 * a transaction, "Lock:…" a row lock held by another transaction,
 * "IO:WALSync" the commit's fsync, "active" running a statement. Lock waits
 * show the statement that waits.
 */
function sampleActivity(url: string): { stop: () => Promise<Map<string, number>> } {
  const tally = new Map<string, number>();
  const client = new pg.Client({ connectionString: url });
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ s: string; n: string }>(
        `select state || coalesce(' ' || wait_event_type || ':' || wait_event, '') ||
           case when wait_event_type = 'Lock' then ' ← ' || regexp_replace(left(query, 60), '\\s+', ' ', 'g') else '' end as s,
           count(*) as n
         from pg_stat_activity where datname = 'yubin' and backend_type = 'client backend'
         and pid <> pg_backend_pid() group by 1`,
      );
      for (const r of rows) tally.set(r.s, (tally.get(r.s) ?? 0) + Number(r.n));
      await new Promise((r) => setTimeout(r, 25));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return tally;
    },
  };
}

/** Rows in support@'s INBOX, counted directly, and the durability settings in force. */
async function databaseFacts(url: string): Promise<{ rows: number; settings: Record<string, string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from "FolderMessage" fm join "Folder" f on f.id = fm."folderId"
       join "Mailbox" m on m.id = f."mailboxId" where m.address = $1 and f.name = 'INBOX'`,
      [RECIPIENT],
    );
    const settings: Record<string, string> = {};
    for (const name of ["fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"]) {
      const r = await client.query<Record<string, string>>(`show ${name}`);
      settings[name] = r.rows[0]?.[name] ?? "?";
    }
    return { rows: Number(rows[0]?.n ?? 0), settings };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- run

const fmtMs = (ms: number) => (Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : "n/a");
const fmtRate = (r: number) => (Number.isFinite(r) ? `${r.toFixed(1)} msg/s` : "n/a");
const machine = machineInfo();
const runId = `bench-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const messages = Array.from({ length: options.messages }, (_, i) => benchMessage(runId, i, options.size, RECIPIENT));
let invalid = false;
const notes: string[] = [];

console.log(`bench:smtp ${runId}`);
console.log(
  `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, ${machine.kernel}, Node ${machine.node}`,
);
console.log(`command: ${command}`);
console.log(
  `load: ${options.messages} messages × ${options.size} bytes, ${options.connections} connections, mode ${options.mode}`,
);

// mailauth looks up SPF, DMARC (and DKIM keys for signed mail) per message.
// There is no internet here: a loopback resolver answering NXDOMAIN at once
// keeps resolver timeouts out of the figures.
const dns = await startDnsStub();
console.log(`dns: YUBIN_DNS_SERVERS=${dns.server} (loopback stub, NXDOMAIN for every query)`);

// ---- Yubin
const dataDir = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-smtp-"));
const smtpPort = await freePort();
console.log(`\nyubin: starting (data dir ${dataDir}, SMTP 127.0.0.1:${smtpPort}) …`);
const yubin = await startYubinProcess({
  roles: "mail",
  dataDir,
  timeoutMs: 180_000,
  env: {
    YUBIN_SMTP_PORT: String(smtpPort),
    YUBIN_HTTP_PORT: "0",
    YUBIN_DNS_SERVERS: dns.server,
    YUBIN_ADMIN_EMAIL: "admin@example.com",
    YUBIN_ADMIN_PASSWORD: "bench-password-1",
    DATABASE_URL: "",
    // e.g. "--import ./bench/cpu-profile.mjs" to profile the server under this load (--cpu-prof is not allowed here).
    ...(env.BENCH_YUBIN_NODE_OPTIONS ? { NODE_OPTIONS: env.BENCH_YUBIN_NODE_OPTIONS } : {}),
  },
}).catch(async (error: unknown) => {
  rmSync(dataDir, { recursive: true, force: true });
  await dns.close();
  throw error;
});
let yubinResult: LoadResult;
let yubinStats: ReturnType<typeof summarize>;
let yubinCpu: { node: number; postgres: number; generator: number; busy: number };
let yubinVerify: { before: number; cli: number; rows: number; settings: Record<string, string> };
let dnsQueries: Record<string, number>;
let activityLines: string[] = [];
try {
  const db = embeddedDatabase(dataDir);
  const before = await cliMessageCount(dataDir);
  const nodePid = yubin.child.pid as number;
  const pgPids = () => descendants([db.pid]);
  // Yubin's own processes: the primary and any MX cluster workers (YUBIN_SMTP_PROCESSES), not PostgreSQL.
  const nodePids = () => {
    const pg = new Set(pgPids());
    return descendants([nodePid]).filter((pid) => !pg.has(pid));
  };
  const cpuBefore = { node: cpuSample(nodePids()), pg: cpuSample(pgPids()), machine: machineTicks() };
  const genBefore = process.cpuUsage();
  console.log(`yubin: sending …`);
  const activity = options.pgActivity ? sampleActivity(db.url) : null;
  yubinResult = await runLoad(smtpPort, messages, options.mode, options.connections);
  const tally = await activity?.stop();
  if (tally) {
    const total = [...tally.values()].reduce((a, b) => a + b, 0);
    activityLines = [...tally]
      .sort((a, b) => b[1] - a[1])
      .map(([state, n]) => `    ${((100 * n) / total).toFixed(1).padStart(5)}%  ${state}`);
  }
  const gen = process.cpuUsage(genBefore);
  yubinCpu = {
    node: cpuSeconds(cpuBefore.node, cpuSample(nodePids())),
    postgres: cpuSeconds(cpuBefore.pg, cpuSample(pgPids())),
    generator: (gen.user + gen.system) / 1e6,
    busy: busyShare(cpuBefore.machine, machineTicks()),
  };
  dnsQueries = dns.queries();
  const facts = await databaseFacts(db.url);
  yubinVerify = { before, cli: await cliMessageCount(dataDir), rows: facts.rows, settings: facts.settings };
  yubinStats = summarize(yubinResult);
} finally {
  const code = await yubin.stop();
  if (code !== 0) console.log(`yubin: exited with ${code}\n${yubin.output().slice(-2000)}`);
  rmSync(dataDir, { recursive: true, force: true });
  await dns.close();
}
const storedByYubin = yubinVerify.cli - yubinVerify.before;
const yubinOk =
  yubinVerify.before === 0 &&
  storedByYubin === yubinResult.accepted &&
  yubinVerify.rows === yubinResult.accepted &&
  yubinResult.accepted === options.messages;
if (!yubinOk) invalid = true;

// ---- Postfix → Dovecot
interface ReferenceResult {
  versions: string;
  load: LoadResult;
  stats: ReturnType<typeof summarize>;
  endToEndMs: number;
  delivered: number;
  busyAccept: number;
  busyEndToEnd: number;
  mailFsync: MailFsync;
  generatorCpu: number;
  /** Postfix and Dovecot processes, including workers that exited, until all was delivered. */
  serverCpu: number;
}
let reference: ReferenceResult | null = null;
if (options.reference) {
  const availability = referenceAvailability();
  if (!availability.ok) {
    const why = `Postfix/Dovecot comparison skipped: missing ${availability.missing.join(", ")}`;
    console.log(`\n${why}\nTo install: ${INSTALL_HINT}`);
    notes.push(why);
  } else {
    console.log(
      `\nreference: starting Postfix ${availability.postfixVersion} → Dovecot ${availability.dovecotVersion} LMTP → Maildir …`,
    );
    const ref = await startReference({ mailFsync: options.dovecotFsync });
    try {
      const machineBefore = machineTicks();
      const refBefore = cpuSample(ref.pids(), true);
      let deliveredAt = Number.NaN;
      let delivered = 0;
      let loadDone = false;
      const target = options.messages;
      let loadResult: LoadResult | null = null;
      const acceptedSoFar = () => loadResult?.accepted ?? Number.POSITIVE_INFINITY;
      // Poll the Maildir while the load runs: end to end ends when the last message is in new/.
      const watcher = (async () => {
        const deadline = performance.now() + Math.max(120_000, target * 100);
        while (performance.now() < deadline) {
          delivered = await ref.delivered();
          if (delivered >= target) {
            deliveredAt = performance.now();
            return;
          }
          // After the load, stop early if nothing more can arrive (all accepted are delivered).
          if (loadDone && delivered >= acceptedSoFar()) {
            deliveredAt = performance.now();
            return;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      console.log(`reference: sending to Postfix on 127.0.0.1:${ref.smtpPort} …`);
      const genBefore = process.cpuUsage();
      loadResult = await runLoad(ref.smtpPort, messages, options.mode, options.connections);
      const gen = process.cpuUsage(genBefore);
      const machineAccepted = machineTicks();
      loadDone = true;
      await watcher;
      const machineDone = machineTicks();
      const refCpu = cpuSeconds(refBefore, cpuSample(ref.pids(), true));
      // A last look after a pause: nothing more than was accepted may show up.
      await new Promise((r) => setTimeout(r, 500));
      delivered = await ref.delivered();
      reference = {
        versions: `Postfix ${availability.postfixVersion}, Dovecot ${availability.dovecotVersion}`,
        load: loadResult,
        stats: summarize(loadResult),
        endToEndMs: deliveredAt - loadResult.startedAt,
        delivered,
        busyAccept: busyShare(machineBefore, machineAccepted),
        busyEndToEnd: busyShare(machineBefore, machineDone),
        mailFsync: ref.mailFsync,
        generatorCpu: (gen.user + gen.system) / 1e6,
        serverCpu: refCpu,
      };
      if (delivered !== loadResult.accepted || loadResult.accepted !== options.messages) {
        invalid = true;
        console.log(ref.logs().slice(-4000));
      }
    } finally {
      await ref.stop();
    }
  }
}

// ---------------------------------------------------------------- report

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN);
const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a");
const e2eRate = reference ? reference.load.accepted / (reference.endToEndMs / 1000) : Number.NaN;

/** CPU seconds the machine spent on processes that are not part of the benchmark (other users of the machine). */
function otherCpu(busy: number, elapsedMs: number, known: number): number {
  return Math.max(0, busy * machine.cpus * (elapsedMs / 1000) - known);
}
const disturbed: string[] = [];
const yubinOther = otherCpu(
  yubinCpu.busy,
  yubinResult.elapsedMs,
  yubinCpu.node + yubinCpu.postgres + yubinCpu.generator,
);
if (yubinOther > 0.1 * machine.cpus * (yubinResult.elapsedMs / 1000)) disturbed.push("Yubin");
if (reference) {
  const r = reference as ReferenceResult;
  const o = otherCpu(r.busyEndToEnd, r.endToEndMs, r.serverCpu + r.generatorCpu);
  if (o > 0.1 * machine.cpus * (r.endToEndMs / 1000)) disturbed.push("Postfix/Dovecot");
}

const lines: string[] = [];
lines.push("", "================ results ================");
lines.push(
  `machine:  ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB RAM, ${machine.kernel}, Node ${machine.node}`,
);
lines.push(`command:  ${command}`);
lines.push(`code:     ${gitState()}`);
lines.push(`load:     N=${options.messages}, size=${options.size} B, C=${options.connections}, mode=${options.mode}`);
lines.push(`dns:      loopback NXDOMAIN stub; queries answered: ${JSON.stringify(dnsQueries)}`);
lines.push("");
lines.push(`Yubin (mail role, embedded PostgreSQL: ${JSON.stringify(yubinVerify.settings)})`);
lines.push(
  `  ${fmtRate(yubinStats.rate)} (${yubinResult.accepted} accepted in ${(yubinResult.elapsedMs / 1000).toFixed(2)} s, ${yubinResult.failures} failed)`,
);
lines.push(
  `  time-to-250 after end of data: p50 ${fmtMs(yubinStats.p50)}, p90 ${fmtMs(yubinStats.p90)}, p99 ${fmtMs(yubinStats.p99)}, max ${fmtMs(yubinStats.max)}`,
);
if (options.mode === "new") lines.push(`  connect → 220 greeting: p50 ${fmtMs(yubinStats.greetingP50)}`);
lines.push(
  `  CPU during the run: node ${yubinCpu.node.toFixed(1)} s, postgres ${yubinCpu.postgres.toFixed(1)} s, load generator ${yubinCpu.generator.toFixed(1)} s, ` +
    `anything else ${otherCpu(yubinCpu.busy, yubinResult.elapsedMs, yubinCpu.node + yubinCpu.postgres + yubinCpu.generator).toFixed(1)} s; ` +
    `machine busy ${(yubinCpu.busy * 100).toFixed(0)}% of ${machine.cpus} CPUs over ${(yubinResult.elapsedMs / 1000).toFixed(1)} s`,
);
lines.push(
  `  per message: node ${((yubinCpu.node * 1000) / Math.max(1, yubinResult.accepted)).toFixed(2)} ms CPU, postgres ${((yubinCpu.postgres * 1000) / Math.max(1, yubinResult.accepted)).toFixed(2)} ms CPU`,
);
lines.push(
  `  verified: yubin mailbox list says ${yubinVerify.cli} messages (was ${yubinVerify.before}), INBOX rows ${yubinVerify.rows}, 250s ${yubinResult.accepted} of ${options.messages} → ${yubinOk ? "OK" : "MISMATCH"}`,
);
for (const s of yubinResult.failureSamples) lines.push(`  failure: ${s}`);
if (activityLines.length) lines.push("  database sessions (pg_stat_activity samples every 25 ms):", ...activityLines);
if (reference) {
  const r = reference;
  lines.push("");
  lines.push(`Postfix → Dovecot LMTP → Maildir (${r.versions}; Dovecot mail_fsync = ${r.mailFsync})`);
  lines.push(
    `  accept: ${fmtRate(r.stats.rate)} (${r.load.accepted} accepted in ${(r.load.elapsedMs / 1000).toFixed(2)} s, ${r.load.failures} failed), time-to-250 p50 ${fmtMs(r.stats.p50)}, p90 ${fmtMs(r.stats.p90)}, p99 ${fmtMs(r.stats.p99)}, max ${fmtMs(r.stats.max)}`,
  );
  if (options.mode === "new") lines.push(`  connect → 220 greeting: p50 ${fmtMs(r.stats.greetingP50)}`);
  lines.push(
    `  end to end (first byte sent → last message in Maildir new/): ${fmtRate(e2eRate)} (${(r.endToEndMs / 1000).toFixed(2)} s)`,
  );
  lines.push(
    `  CPU until delivered: Postfix + Dovecot ${r.serverCpu.toFixed(1)} s (${((r.serverCpu * 1000) / Math.max(1, r.load.accepted)).toFixed(2)} ms per message), load generator ${r.generatorCpu.toFixed(1)} s, ` +
      `anything else ${otherCpu(r.busyEndToEnd, r.endToEndMs, r.serverCpu + r.generatorCpu).toFixed(1)} s; ` +
      `machine busy ${(r.busyAccept * 100).toFixed(0)}% while accepting, ${(r.busyEndToEnd * 100).toFixed(0)}% until delivered`,
  );
  lines.push(
    `  verified: ${r.delivered} files in Maildir, 250s ${r.load.accepted} of ${options.messages} → ${r.delivered === r.load.accepted && r.load.accepted === options.messages ? "OK" : "MISMATCH"}`,
  );
  for (const s of r.load.failureSamples) lines.push(`  failure: ${s}`);
  lines.push("");
  lines.push(`ratio Yubin / Postfix accept:             ${fmtRatio(ratio(yubinStats.rate, r.stats.rate))}`);
  lines.push(`ratio Yubin / Postfix→Dovecot end to end: ${fmtRatio(ratio(yubinStats.rate, e2eRate))}`);
}
if (options.mode === "reuse") {
  const meets = [
    [`≥ 300 msg/s`, yubinStats.rate >= 300],
    [`p99 < 100 ms`, yubinStats.p99 < 100],
    [`ratio to Postfix→Dovecot ≥ 1.0`, reference ? ratio(yubinStats.rate, e2eRate) >= 1 : null],
  ] as const;
  lines.push("");
  lines.push(
    `target (10 KB, 20 connections): ${meets.map(([what, ok]) => `${what}: ${ok === null ? "not measured" : ok ? "met" : "NOT met"}`).join("; ")}`,
  );
}
if (disturbed.length)
  lines.push(
    "",
    `DISTURBED: other processes used more than 10% of the machine's CPU during the ${disturbed.join(" and ")} run; rerun on a quiet machine.`,
  );
if (invalid) lines.push("", "INVALID RUN: a store does not hold exactly the acknowledged messages (see above).");
lines.push("=========================================");
console.log(lines.join("\n"));

// ---------------------------------------------------------------- docs/benchmarks.md

const DOC = path.join(repoRoot, "docs", "benchmarks.md");
const SECTION = "## Inbound SMTP (bench:smtp)";
const START =
  "<!-- bench:smtp rows start (written by bench/smtp-load.ts; one row per mode/N/size/C/machine, latest run wins) -->";
const END = "<!-- bench:smtp rows end -->";
const HEADER =
  "| date | machine | command | mode | Yubin msg/s | p50 | p99 | Postfix accept msg/s (p50 / p99) | Postfix→Dovecot end to end msg/s | Yubin / Postfix accept | Yubin / Postfix→Dovecot |\n" +
  "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
const SECTION_TEXT = `${SECTION}

\`npm run bench:smtp\` (bench/smtp-load.ts) starts \`yubin start --roles mail\`
as a real process on a fresh data dir (embedded PostgreSQL), sends N
plain-text messages of the given size to \`support@example.com\` over C
concurrent SMTP connections with a plain client (no PIPELINING; EHLO, MAIL,
RCPT, DATA, and RSET between messages in \`reuse\` mode), and times each
message from writing the end-of-data \`.\` to reading \`250\`. Throughput is
messages acknowledged ÷ wall time from the first connection to the last
reply. At the end it checks that the mailbox holds exactly the acknowledged
messages (\`yubin mailbox list\` and a row count), or the run is marked
invalid. The same messages then go to a Postfix instance on a loopback high
port that relays to Dovecot LMTP, which stores to Maildir; "end to end" is
from the first byte sent until the last message is a file in the Maildir.

What each side has made durable when it answers:

- **Yubin**: \`250\` after the PostgreSQL transaction (blob, message row,
  folder entry with its UID, quota counters, conversation, NOTIFY) has
  committed, with PostgreSQL's defaults \`fsync = on\`,
  \`synchronous_commit = on\` (the WAL is flushed to disk before COMMIT
  returns). The message is then visible over IMAP/POP3/web — this is
  Yubin's end to end.
- **Postfix**: \`250\` after the cleanup daemon has written and fsynced the
  queue file; delivery to the mailbox happens later, asynchronously.
- **Dovecot LMTP**: replies \`250\` to Postfix after saving the message to
  Maildir (file written, fsynced per \`mail_fsync\`, renamed into \`new/\`,
  index and uidlist updated). Postfix removes its queue file afterwards.

Both run on the same machine and disk as the load generator, which
competes with them for CPU. mailauth's DNS lookups (SPF, DMARC; no DKIM
signatures in the test mail) go to a loopback stub that answers NXDOMAIN
at once (there is no internet on the benchmark machines), so resolver
latency is not part of the figures; Postfix does no such checks in this
configuration. \`new\` mode opens a connection per message: smtp-server's
fixed 100 ms delay before the greeting caps it at about 10 messages/s per
connection, so it is reported separately and says little about storage.

${START}
${HEADER}
${END}
`;

if (options.docs) {
  const date = new Date().toISOString().slice(0, 10);
  const machineCell = `${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`;
  const r = reference;
  const code = gitState();
  const cells = [
    `${date}, ${code.split(" ")[0]}${code.includes("uncommitted") ? " + local changes" : ""}`,
    machineCell,
    `\`${command}\``,
    `${options.mode}, N=${options.messages}, ${options.size} B, C=${options.connections}`,
    `${yubinStats.rate.toFixed(0)}${yubinOk ? "" : " (INVALID)"}${disturbed.includes("Yubin") ? " (disturbed)" : ""}`,
    fmtMs(yubinStats.p50),
    fmtMs(yubinStats.p99),
    r
      ? `${r.stats.rate.toFixed(0)} (${fmtMs(r.stats.p50)} / ${fmtMs(r.stats.p99)})${disturbed.includes("Postfix/Dovecot") ? " (disturbed)" : ""}`
      : "not run",
    r ? `${e2eRate.toFixed(0)} (mail_fsync=${r.mailFsync})` : "not run",
    r ? fmtRatio(ratio(yubinStats.rate, r.stats.rate)) : "n/a",
    r ? fmtRatio(ratio(yubinStats.rate, e2eRate)) : "n/a",
  ];
  const row = `| ${cells.join(" | ")} |`;
  const key = (line: string) => {
    const c = line.split(" | ");
    return `${c[1]}|${c[3]}|${(c[8] ?? "").replace(/.*mail_fsync=/, "")}`;
  };
  let doc = existsSync(DOC)
    ? readFileSync(DOC, "utf8")
    : "# Benchmarks\n\nFigures from the load generators in `bench/`. Each section says how to reproduce its table.\n";
  if (!doc.includes(START) || !doc.includes(END)) doc = `${doc.trimEnd()}\n\n${SECTION_TEXT}`;
  const [head, rest] = doc.split(START) as [string, string];
  const [table, tail] = rest.split(END) as [string, string];
  const rows = table
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| date") && !l.startsWith("| ---"))
    .filter((l) => key(l) !== key(row));
  rows.push(row);
  doc = `${head}${START}\n${HEADER}\n${rows.join("\n")}\n${END}${tail}`;
  writeFileSync(DOC, doc);
  console.log(`\nwrote the figures to ${path.relative(repoRoot, DOC)} (${SECTION})`);
}
for (const n of notes) console.log(n);
process.exitCode = invalid ? 1 : 0;
