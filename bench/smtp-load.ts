// Inbound SMTP load: how many messages per second Yubin's MX makes durable
// (PostgreSQL commit before 250), and the same load against Debian's Postfix
// relaying to Dovecot LMTP → Maildir as a reference. A load generator, not a
// test: it reports figures and never fails on them. It does fail (exit 1) when
// the stores do not hold exactly the messages that were acknowledged, because
// then the figures would not mean what they say.
//
// Usage: npm run bench:smtp -- [--messages 3000] [--size 10KiB] [--connections 20]
//                               [--mode reuse|new|both] [--rounds 1] [--no-reference] [--no-docs]
//                               [--dovecot-fsync optimized|always] [--pg-activity] [--trace on|off|both]
//                               [--warmup 300]
// or the same as env: BENCH_MESSAGES, BENCH_SIZE, BENCH_CONNECTIONS, BENCH_MODE,
// BENCH_ROUNDS, BENCH_REFERENCE=0, BENCH_DOCS=0, BENCH_DOVECOT_FSYNC, BENCH_TRACE,
// BENCH_WARMUP.
//
// --warmup: before round 1, every side gets this many messages per mode, not
// counted in the figures (the stores' checks count them). A Yubin phase's
// server CPU runs from the load's start until the instance is quiet again
// (settle(): the last trace batch, autovacuum), and includes the PostgreSQL
// workers that came and went meanwhile.
//
// --trace: Yubin records a message trace of every transaction (the default,
// "on"); "off" runs it with YUBIN_TRACE_RETENTION_DAYS=0; "both" starts a
// second Yubin with tracing off and gives it the same load right after (or
// before: the order alternates by round) the traced one, and reports the two
// side by side (docs/benchmarks.md "Inbound SMTP with and without the trace").
// BENCH_YUBIN_NODE_OPTIONS is given to the Yubin process as NODE_OPTIONS
// (e.g. "--import ./bench/cpu-profile.mjs" with BENCH_CPU_PROFILE_DIR) for
// profiling; BENCH_CODE labels the code under test.
//
//   reuse: each connection sends many messages, RSET between
//   new:   a new connection per message, as an MX mostly sees
//   both:  new, then reuse, in every round
//
// Yubin and the Postfix → Dovecot reference are both started once and take
// turns: in every round and mode, one side's load and then the other's (the
// order alternates between rounds), so that on a machine shared with other
// work both sides see the same conditions. The figures reported are the
// medians over the rounds, with each round's ratio alongside.
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
import {
  busyShare,
  cpuSample,
  cpuSeconds,
  cpuSecondsByRole,
  descendants,
  machineInfo,
  machineTicks,
} from "./proc-stats.ts";
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
    rounds: { type: "string", short: "r" },
    "no-reference": { type: "boolean" },
    "no-docs": { type: "boolean" },
    "dovecot-fsync": { type: "string" },
    "pg-activity": { type: "boolean" },
    trace: { type: "string" },
    warmup: { type: "string" },
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
  mode: (args.mode ?? env.BENCH_MODE ?? "reuse") as Mode | "both",
  rounds: Number(args.rounds ?? env.BENCH_ROUNDS ?? 1),
  reference: !args["no-reference"] && env.BENCH_REFERENCE !== "0",
  docs: !args["no-docs"] && env.BENCH_DOCS !== "0",
  dovecotFsync: (args["dovecot-fsync"] ?? env.BENCH_DOVECOT_FSYNC ?? "optimized") as MailFsync,
  /** Diagnostics: sample pg_stat_activity during the Yubin run (adds a little load). */
  pgActivity: Boolean(args["pg-activity"]) || env.BENCH_PG_ACTIVITY === "1",
  trace: (args.trace ?? env.BENCH_TRACE ?? "on") as "on" | "off" | "both",
  /** Messages each side gets per mode before round 1, not counted: the JIT's first minutes are not a server's steady state. */
  warmup: Number(args.warmup ?? env.BENCH_WARMUP ?? 300),
};
if (!["on", "off", "both"].includes(options.trace)) throw new Error("--trace is on, off or both");
if (!Number.isInteger(options.messages) || options.messages < 1)
  throw new Error("--messages must be a positive integer");
if (!Number.isInteger(options.connections) || options.connections < 1) throw new Error("--connections must be ≥ 1");
if (!["reuse", "new", "both"].includes(options.mode)) throw new Error("--mode is reuse, new or both");
if (!Number.isInteger(options.rounds) || options.rounds < 1) throw new Error("--rounds must be ≥ 1");
if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new Error("--warmup must be ≥ 0");
if (!["optimized", "always", "never"].includes(options.dovecotFsync))
  throw new Error("--dovecot-fsync: optimized|always");
if (options.size < 1024) throw new Error("--size must be at least 1KiB");

// Settings of Yubin's own that change the figures are part of the command.
const command =
  (process.env.YUBIN_SMTP_PROCESSES ? `YUBIN_SMTP_PROCESSES=${process.env.YUBIN_SMTP_PROCESSES} ` : "") +
  `npm run bench:smtp -- --messages ${options.messages} --size ${options.size} --connections ${options.connections} ` +
  `--mode ${options.mode}` +
  (options.rounds > 1 ? ` --rounds ${options.rounds}` : "") +
  (options.dovecotFsync !== "optimized" ? ` --dovecot-fsync ${options.dovecotFsync}` : "") +
  (options.trace !== "on" ? ` --trace ${options.trace}` : "") +
  (options.warmup !== 300 ? ` --warmup ${options.warmup}` : "");

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

/** Delivered MX transactions in the message trace. */
async function traceCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from "MessageTrace" where kind = 'mx' and result = 'delivered'`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- run

const fmtMs = (ms: number) => (Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms` : "n/a");
const fmtRate = (r: number) => (Number.isFinite(r) ? `${r.toFixed(1)} msg/s` : "n/a");
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN);
const fmtRatio = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a");
/** CPU seconds summed over process roles. */
const sumCpu = (cpu: Record<string, number>) => Object.values(cpu).reduce((a, b) => a + b, 0);
const median = (values: number[]) => {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
};
const machine = machineInfo();
const runId = `bench-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const modes: Mode[] = options.mode === "both" ? ["new", "reuse"] : [options.mode];
const notes: string[] = [];
/** Fresh messages for one phase: a store must not recognise any as a redelivery. */
const phaseMessages = (tag: string, count = options.messages) =>
  Array.from({ length: count }, (_, i) => benchMessage(`${runId}-${tag}`, i, options.size, RECIPIENT));

/**
 * Waits until a Yubin instance is quiet after its load (under 5 % of a core
 * over 250 ms, at most 15 s): what the load leaves behind — the last trace
 * batch, autovacuum of the tables it filled, the WAL writer — is part of its
 * cost, and must not run into the next phase, which may be the other side's.
 */
async function settle(pids: () => number[]): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 15_000) {
    const before = cpuSample(pids(), true);
    await new Promise((r) => setTimeout(r, 250));
    if (cpuSeconds(before, cpuSample(pids(), true)) < 0.0125) break;
  }
  return performance.now() - started;
}

/** CPU seconds the machine spent on processes that are not part of the benchmark (other users of the machine). */
function otherCpu(busy: number, elapsedMs: number, known: number): number {
  return Math.max(0, busy * machine.cpus * (elapsedMs / 1000) - known);
}

interface Phase {
  /** yubin-untraced: the second Yubin of --trace both, with tracing off. */
  side: "yubin" | "yubin-untraced" | "reference";
  mode: Mode;
  round: number;
  load: LoadResult;
  stats: ReturnType<typeof summarize>;
  /** Yubin: acknowledged = stored. Reference: first byte sent → last message in the Maildir. */
  endToEndMs: number;
  endToEndRate: number;
  /** CPU seconds of the server side (Yubin's processes and its PostgreSQL; Postfix and Dovecot). */
  serverCpu: number;
  /** Yubin: serverCpu by process role (Node, PostgreSQL backends, autovacuum, PostgreSQL's background processes). */
  cpuByRole?: Record<string, number>;
  generatorCpu: number;
  /** CPU seconds of everything else on the machine meanwhile: the other users' work. */
  otherCpu: number;
  verified: boolean;
  detail: string;
}

console.log(`bench:smtp ${runId}`);
console.log(
  `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, ${machine.kernel}, Node ${machine.node}`,
);
console.log(`command: ${command}`);
console.log(
  `load: ${options.messages} messages × ${options.size} bytes, ${options.connections} connections, ` +
    `modes ${modes.join(" and ")}, ${options.rounds} round(s)`,
);

// mailauth looks up SPF, DMARC (and DKIM keys for signed mail) per message.
// There is no internet here: a loopback resolver answering NXDOMAIN at once
// keeps resolver timeouts out of the figures.
const dns = await startDnsStub();
console.log(`dns: YUBIN_DNS_SERVERS=${dns.server} (loopback stub, NXDOMAIN for every query)`);

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
    YUBIN_TRACE_RETENTION_DAYS: options.trace === "off" ? "0" : "30",
    // e.g. "--import ./bench/cpu-profile.mjs" to profile the server under this load (--cpu-prof is not allowed here).
    ...(env.BENCH_YUBIN_NODE_OPTIONS ? { NODE_OPTIONS: env.BENCH_YUBIN_NODE_OPTIONS } : {}),
  },
}).catch(async (error: unknown) => {
  rmSync(dataDir, { recursive: true, force: true });
  await dns.close();
  throw error;
});

// --trace both: the same Yubin with tracing off, on a data dir (and PostgreSQL) of its own.
const untracedDir = options.trace === "both" ? mkdtempSync(path.join(os.tmpdir(), "yubin-bench-smtp-untraced-")) : "";
const untracedPort = options.trace === "both" ? await freePort() : 0;
const untraced =
  options.trace === "both"
    ? await startYubinProcess({
        roles: "mail",
        dataDir: untracedDir,
        timeoutMs: 180_000,
        env: {
          YUBIN_SMTP_PORT: String(untracedPort),
          YUBIN_HTTP_PORT: "0",
          YUBIN_DNS_SERVERS: dns.server,
          YUBIN_ADMIN_EMAIL: "admin@example.com",
          YUBIN_ADMIN_PASSWORD: "bench-password-1",
          DATABASE_URL: "",
          YUBIN_TRACE_RETENTION_DAYS: "0",
          ...(env.BENCH_YUBIN_NODE_OPTIONS ? { NODE_OPTIONS: env.BENCH_YUBIN_NODE_OPTIONS } : {}),
        },
      }).catch(async (error: unknown) => {
        await yubin.stop();
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(untracedDir, { recursive: true, force: true });
        await dns.close();
        throw error;
      })
    : null;
if (untraced) console.log(`yubin (tracing off): data dir ${untracedDir}, SMTP 127.0.0.1:${untracedPort}`);
let traceCheck = "";

let reference: Awaited<ReturnType<typeof startReference>> | null = null;
let referenceVersions = "";
const phases: Phase[] = [];
const warmups: Phase[] = [];
/** CPU seconds of each Yubin instance from the start of round 1 to the end of the last, between phases too. */
const wholeRunCpu: Record<string, number> = {};
let dbSettings: Record<string, string> = {};
let cliCheck = "";
let activityLines: string[] = [];
try {
  if (options.reference) {
    const availability = referenceAvailability();
    if (!availability.ok) {
      const why = `Postfix/Dovecot comparison skipped: missing ${availability.missing.join(", ")}`;
      console.log(`\n${why}\nTo install: ${INSTALL_HINT}`);
      notes.push(why);
    } else {
      referenceVersions = `Postfix ${availability.postfixVersion}, Dovecot ${availability.dovecotVersion}`;
      console.log(`reference: starting ${referenceVersions} LMTP → Maildir …`);
      reference = await startReference({ mailFsync: options.dovecotFsync });
    }
  }
  const db = embeddedDatabase(dataDir);
  const before = await cliMessageCount(dataDir);
  const untracedBefore = untraced ? await cliMessageCount(untracedDir) : 0;
  const tracesBefore = options.trace !== "off" ? await traceCount(db.url) : 0;
  /** Yubin's own processes (the primary and any MX cluster workers, YUBIN_SMTP_PROCESSES) and its PostgreSQL. */
  const pidsOf = (process: NonNullable<typeof untraced>, database: { pid: number }) => () => {
    const pg = new Set(descendants([database.pid]));
    return [...descendants([process.child.pid as number]).filter((pid) => !pg.has(pid)), ...pg];
  };
  const targets = {
    yubin: { port: smtpPort, db, pids: pidsOf(yubin, db), label: "Yubin" },
    "yubin-untraced": untraced
      ? (() => {
          const untracedDb = embeddedDatabase(untracedDir);
          return {
            port: untracedPort,
            db: untracedDb,
            pids: pidsOf(untraced, untracedDb),
            label: "Yubin, tracing off",
          };
        })()
      : null,
  };

  const yubinPhase = async (
    mode: Mode,
    round: number,
    side: "yubin" | "yubin-untraced" = "yubin",
    count = options.messages,
  ): Promise<Phase> => {
    const target = targets[side];
    if (!target) throw new Error(`no ${side} process`);
    const { port: smtpPort, db, pids: yubinPids } = target;
    const messages = phaseMessages(`${side === "yubin" ? "y" : "u"}${round}${mode}`, count);
    const rowsBefore = (await databaseFacts(db.url)).rows;
    // With the children each process has reaped: PostgreSQL's autovacuum workers come and go within a phase.
    const cpuBefore = {
      server: cpuSample(yubinPids()),
      reaped: cpuSample(yubinPids(), true),
      machine: machineTicks(),
      gen: process.cpuUsage(),
    };
    console.log(round === 0 ? `warm-up, ${mode}: ${target.label} …` : `round ${round}, ${mode}: ${target.label} …`);
    const activity = options.pgActivity ? sampleActivity(db.url) : null;
    const load = await runLoad(smtpPort, messages, mode, options.connections);
    const tally = await activity?.stop();
    if (tally) {
      const total = [...tally.values()].reduce((a, b) => a + b, 0);
      activityLines = [...tally]
        .sort((a, b) => b[1] - a[1])
        .map(([state, n]) => `    ${((100 * n) / total).toFixed(1).padStart(5)}%  ${state}`);
    }
    const gen = process.cpuUsage(cpuBefore.gen);
    const busy = busyShare(cpuBefore.machine, machineTicks());
    const settleMs = await settle(yubinPids);
    const serverAfter = cpuSample(yubinPids());
    const serverCpu = cpuSeconds(cpuBefore.reaped, cpuSample(yubinPids(), true));
    const cpuByRole = cpuSecondsByRole(cpuBefore.server, serverAfter);
    // What exited children used (reaped by their parent during the phase): autovacuum workers, mostly.
    const exited = serverCpu - sumCpu(cpuByRole);
    if (exited > 0.005) cpuByRole["exited children"] = exited;
    const generatorCpu = (gen.user + gen.system) / 1e6;
    const facts = await databaseFacts(db.url);
    dbSettings = facts.settings;
    const stored = facts.rows - rowsBefore;
    const verified = stored === load.accepted && load.accepted === count;
    return {
      side,
      mode,
      round,
      load,
      stats: summarize(load),
      endToEndMs: load.elapsedMs,
      endToEndRate: load.accepted / (load.elapsedMs / 1000),
      serverCpu,
      cpuByRole,
      generatorCpu,
      otherCpu: otherCpu(busy, load.elapsedMs, serverCpu + generatorCpu),
      verified,
      detail: `INBOX rows +${stored}, 250s ${load.accepted} of ${count}, quiet ${(settleMs / 1000).toFixed(1)} s after the load`,
    };
  };

  const referencePhase = async (mode: Mode, round: number, count = options.messages): Promise<Phase> => {
    const ref = reference as NonNullable<typeof reference>;
    const messages = phaseMessages(`r${round}${mode}`, count);
    const deliveredBefore = await ref.delivered();
    const cpuBefore = { server: cpuSample(ref.pids(), true), machine: machineTicks(), gen: process.cpuUsage() };
    console.log(round === 0 ? `warm-up, ${mode}: Postfix → Dovecot …` : `round ${round}, ${mode}: Postfix → Dovecot …`);
    let deliveredAt = Number.NaN;
    // All N, or after the load as many as were accepted.
    let target = count;
    // Poll the Maildir while the load runs: end to end ends when the last message is in new/.
    const watcher = (async () => {
      const deadline = performance.now() + Math.max(120_000, count * 100);
      while (performance.now() < deadline) {
        const delivered = (await ref.delivered()) - deliveredBefore;
        if (delivered >= target) {
          deliveredAt = performance.now();
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const loadResult = await runLoad(ref.smtpPort, messages, mode, options.connections);
    target = loadResult.accepted;
    const gen = process.cpuUsage(cpuBefore.gen);
    await watcher;
    const serverCpu = cpuSeconds(cpuBefore.server, cpuSample(ref.pids(), true));
    const busy = busyShare(cpuBefore.machine, machineTicks());
    // A last look after a pause: nothing more than was accepted may show up.
    await new Promise((r) => setTimeout(r, 300));
    const delivered = (await ref.delivered()) - deliveredBefore;
    const endToEndMs = deliveredAt - loadResult.startedAt;
    const generatorCpu = (gen.user + gen.system) / 1e6;
    const verified = delivered === loadResult.accepted && loadResult.accepted === count;
    if (!verified) console.log(ref.logs().slice(-4000));
    return {
      side: "reference",
      mode,
      round,
      load: loadResult,
      stats: summarize(loadResult),
      endToEndMs,
      endToEndRate: loadResult.accepted / (endToEndMs / 1000),
      serverCpu,
      generatorCpu,
      otherCpu: otherCpu(busy, endToEndMs, serverCpu + generatorCpu),
      verified,
      detail: `Maildir +${delivered}, 250s ${loadResult.accepted} of ${count}`,
    };
  };

  // Warm-up (round 0): every side once per mode, kept out of the figures but not out of the stores' checks.
  if (options.warmup > 0) {
    for (const mode of modes) {
      warmups.push(await yubinPhase(mode, 0, "yubin", options.warmup));
      if (untraced) warmups.push(await yubinPhase(mode, 0, "yubin-untraced", options.warmup));
      if (reference) warmups.push(await referencePhase(mode, 0, options.warmup));
    }
  }
  // Each instance's CPU over all the rounds, with whatever it did between its phases
  // (autovacuum comes when it likes, often during the other instance's phase).
  const wholeRunPids = { yubin: targets.yubin.pids, "yubin-untraced": targets["yubin-untraced"]?.pids };
  const wholeRunStart = {
    yubin: cpuSample(wholeRunPids.yubin(), true),
    "yubin-untraced": wholeRunPids["yubin-untraced"] ? cpuSample(wholeRunPids["yubin-untraced"](), true) : null,
  };
  for (let round = 1; round <= options.rounds; round++) {
    for (const mode of modes) {
      // Alternate who goes first, so that neither side always runs on a warmer (or busier) machine.
      const yubinFirst = round % 2 === 1 || !reference;
      // With --trace both, tracing on and off take turns the same way.
      const traced = async () => {
        const pair =
          untraced && round % 2 === 0 ? (["yubin-untraced", "yubin"] as const) : (["yubin", "yubin-untraced"] as const);
        for (const side of pair) if (side === "yubin" || untraced) phases.push(await yubinPhase(mode, round, side));
      };
      if (yubinFirst) await traced();
      if (reference) phases.push(await referencePhase(mode, round));
      if (!yubinFirst) await traced();
    }
  }
  await settle(wholeRunPids.yubin);
  wholeRunCpu.yubin = cpuSeconds(wholeRunStart.yubin, cpuSample(wholeRunPids.yubin(), true));
  const untracedPids = wholeRunPids["yubin-untraced"];
  if (untracedPids && wholeRunStart["yubin-untraced"]) {
    await settle(untracedPids);
    wholeRunCpu["yubin-untraced"] = cpuSeconds(wholeRunStart["yubin-untraced"], cpuSample(untracedPids(), true));
  }
  const after = await cliMessageCount(dataDir);
  const acknowledged = [...warmups, ...phases]
    .filter((p) => p.side === "yubin")
    .reduce((n, p) => n + p.load.accepted, 0);
  cliCheck = `yubin mailbox list says ${after} messages (was ${before}), 250s ${acknowledged}`;
  if (after - before !== acknowledged) {
    for (const p of phases) if (p.side === "yubin") p.verified = false;
  }
  if (untraced) {
    const untracedAfter = await cliMessageCount(untracedDir);
    const untracedAcks = [...warmups, ...phases]
      .filter((p) => p.side === "yubin-untraced")
      .reduce((n, p) => n + p.load.accepted, 0);
    cliCheck += `; tracing off: ${untracedAfter} (was ${untracedBefore}), 250s ${untracedAcks}`;
    if (untracedAfter - untracedBefore !== untracedAcks) {
      for (const p of phases) if (p.side === "yubin-untraced") p.verified = false;
    }
  }
  if (options.trace !== "off") {
    // Every accepted transaction has its trace once the last batch is written (TRACE_FLUSH_MS).
    const deadline = performance.now() + 10_000;
    let traces = 0;
    while (performance.now() < deadline) {
      traces = (await traceCount(db.url)) - tracesBefore;
      if (traces >= acknowledged) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    traceCheck = `${traces} delivered MX traces written for ${acknowledged} 250s`;
    if (traces < acknowledged) for (const p of phases) if (p.side === "yubin") p.verified = false;
  }
} finally {
  await reference?.stop().catch((e: unknown) => console.log(`reference: ${String(e)}`));
  const code = await yubin.stop();
  if (code !== 0) console.log(`yubin: exited with ${code}\n${yubin.output().slice(-2000)}`);
  rmSync(dataDir, { recursive: true, force: true });
  if (untraced) {
    const untracedCode = await untraced.stop();
    if (untracedCode !== 0) console.log(`yubin (tracing off): exited with ${untracedCode}`);
    rmSync(untracedDir, { recursive: true, force: true });
  }
  await dns.close();
}
const invalid = [...warmups, ...phases].some((p) => !p.verified);

// ---------------------------------------------------------------- report

interface ModeSummary {
  mode: Mode;
  yubinRate: number;
  yubinP50: number;
  yubinP99: number;
  yubinGreeting: number;
  refAccept: number;
  refP50: number;
  refP99: number;
  refGreeting: number;
  refEndToEnd: number;
  roundRatios: number[];
  /**
   * The headline: the median of the rounds' ratios, each Yubin's rate ÷ the
   * reference's end-to-end rate in the same round (a paired comparison: the
   * two phases of a round ran a minute apart at most).
   */
  ratio: number;
  /** Yubin's median rate ÷ the reference's median end-to-end rate. */
  ratioOfMedians: number;
  acceptRatio: number;
  yubinCpuPerMessage: number;
  refCpuPerMessage: number;
  otherShare: number;
}

function summarizeMode(mode: Mode): ModeSummary {
  const ys = phases.filter((p) => p.side === "yubin" && p.mode === mode);
  const rs = phases.filter((p) => p.side === "reference" && p.mode === mode);
  const pooled = (list: Phase[], pick: (r: LoadResult) => number[]) => {
    const all = list.flatMap((p) => pick(p.load)).sort((a, b) => a - b);
    return (q: number) => percentile(all, q);
  };
  const yLat = pooled(ys, (r) => r.latencies);
  const rLat = pooled(rs, (r) => r.latencies);
  const yGreet = pooled(ys, (r) => r.greetings);
  const rGreet = pooled(rs, (r) => r.greetings);
  const roundRatios = ys.map((y) =>
    ratio(y.endToEndRate, rs.find((r) => r.round === y.round)?.endToEndRate ?? Number.NaN),
  );
  const yubinRate = median(ys.map((p) => p.endToEndRate));
  const refEndToEnd = median(rs.map((p) => p.endToEndRate));
  const refAccept = median(rs.map((p) => p.stats.rate));
  const perMessage = (list: Phase[]) =>
    (1000 * list.reduce((n, p) => n + p.serverCpu, 0)) /
    Math.max(
      1,
      list.reduce((n, p) => n + p.load.accepted, 0),
    );
  const elapsed = [...ys, ...rs].reduce((n, p) => n + p.endToEndMs / 1000, 0);
  return {
    mode,
    yubinRate,
    yubinP50: yLat(50),
    yubinP99: yLat(99),
    yubinGreeting: yGreet(50),
    refAccept,
    refP50: rLat(50),
    refP99: rLat(99),
    refGreeting: rGreet(50),
    refEndToEnd,
    roundRatios,
    ratio: median(roundRatios),
    ratioOfMedians: ratio(yubinRate, refEndToEnd),
    acceptRatio: ratio(yubinRate, refAccept),
    yubinCpuPerMessage: perMessage(ys),
    refCpuPerMessage: perMessage(rs),
    otherShare: [...ys, ...rs].reduce((n, p) => n + p.otherCpu, 0) / (elapsed * machine.cpus),
  };
}

const summaries = modes.map(summarizeMode);
const lines: string[] = [];
lines.push("", "================ results ================");
lines.push(
  `machine:  ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB RAM, ${machine.kernel}, Node ${machine.node}`,
);
lines.push(`command:  ${command}`);
lines.push(`code:     ${gitState()}`);
lines.push(
  `load:     N=${options.messages} per phase, size=${options.size} B, C=${options.connections}, ${options.rounds} round(s)`,
);
lines.push(`dns:      loopback NXDOMAIN stub; queries answered: ${JSON.stringify(dns.queries())}`);
lines.push(`yubin:    mail role, embedded PostgreSQL ${JSON.stringify(dbSettings)}`);
if (referenceVersions) lines.push(`reference: ${referenceVersions}, Dovecot mail_fsync = ${options.dovecotFsync}`);
lines.push(`verified: ${cliCheck}`);
lines.push(`tracing:  ${options.trace}${traceCheck ? `; ${traceCheck}` : ""}`);
lines.push(`warm-up:  ${options.warmup} messages per side and mode before round 1 (round 0 below), not in the figures`);
for (const p of [...warmups, ...phases]) {
  const side =
    p.side === "yubin"
      ? untraced
        ? "Yubin (traced) "
        : "Yubin          "
      : p.side === "yubin-untraced"
        ? "Yubin (untraced)"
        : "Postfix→Dovecot";
  lines.push(
    `  round ${p.round} ${p.mode.padEnd(5)} ${side} ${fmtRate(p.endToEndRate).padStart(12)}` +
      (p.side === "reference" ? ` (accept ${fmtRate(p.stats.rate)})` : "") +
      `, time-to-250 p50 ${fmtMs(p.stats.p50)} p99 ${fmtMs(p.stats.p99)}` +
      (p.mode === "new" ? `, connect→220 p50 ${fmtMs(p.stats.greetingP50)}` : "") +
      `; CPU server ${p.serverCpu.toFixed(1)} s${p.cpuByRole ? ` (${fmtRoles(p.cpuByRole)})` : ""}, generator ${p.generatorCpu.toFixed(1)} s, other users ${p.otherCpu.toFixed(1)} s` +
      `; ${p.detail} → ${p.verified ? "OK" : "MISMATCH"}`,
  );
  for (const f of p.load.failureSamples) lines.push(`    failure: ${f}`);
}
for (const m of summaries) {
  lines.push("");
  lines.push(`mode ${m.mode} (medians over ${options.rounds} round(s)):`);
  lines.push(
    `  Yubin ${fmtRate(m.yubinRate)} (time-to-250 p50 ${fmtMs(m.yubinP50)}, p99 ${fmtMs(m.yubinP99)}` +
      (m.mode === "new" ? `, connect→220 p50 ${fmtMs(m.yubinGreeting)}` : "") +
      `; ${m.yubinCpuPerMessage.toFixed(2)} ms server CPU per message)`,
  );
  if (reference !== null || referenceVersions) {
    lines.push(
      `  Postfix accept ${fmtRate(m.refAccept)} (p50 ${fmtMs(m.refP50)}, p99 ${fmtMs(m.refP99)}` +
        (m.mode === "new" ? `, connect→220 p50 ${fmtMs(m.refGreeting)}` : "") +
        `), Postfix→Dovecot end to end ${fmtRate(m.refEndToEnd)} (${m.refCpuPerMessage.toFixed(2)} ms CPU per message)`,
    );
    lines.push(
      `  ratio Yubin / Postfix→Dovecot end to end: ${fmtRatio(m.ratio)} (median of the rounds: ${m.roundRatios.map(fmtRatio).join(", ")}; ` +
        `of the median rates ${fmtRatio(m.ratioOfMedians)}); ` +
        `Yubin / Postfix accept: ${fmtRatio(m.acceptRatio)}`,
    );
  }
  lines.push(`  other users' CPU during this mode's phases: ${(m.otherShare * 100).toFixed(0)}% of the machine`);
}
function fmtRoles(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .sort()
    .map(([role, seconds]) => `${role} ${seconds.toFixed(1)}`)
    .join(", ");
}
function sumRoles(list: Phase[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of list)
    for (const [role, seconds] of Object.entries(p.cpuByRole ?? {})) out[role] = (out[role] ?? 0) + seconds;
  return out;
}
const fmtPercent = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)} %`;
// --trace both: the same load with the message trace on and off.
interface TraceSummary {
  mode: Mode;
  onRate: number;
  offRate: number;
  onP50: number;
  offP50: number;
  onP99: number;
  offP99: number;
  /** Median over the rounds of (rate with tracing on ÷ rate with it off, same round). */
  ratio: number;
  roundRatios: number[];
  otherShare: number;
  /** Server CPU summed over the rounds, by process role, and the messages it was spent on. */
  onCpu: Record<string, number>;
  offCpu: Record<string, number>;
  onMessages: number;
  offMessages: number;
}
const traceSummaries: TraceSummary[] = untraced
  ? modes.map((mode) => {
      const on = phases.filter((p) => p.side === "yubin" && p.mode === mode);
      const off = phases.filter((p) => p.side === "yubin-untraced" && p.mode === mode);
      const pooled = (list: Phase[]) => {
        const all = list.flatMap((p) => p.load.latencies).sort((a, b) => a - b);
        return (q: number) => percentile(all, q);
      };
      const roundRatios = on.map((p) =>
        ratio(p.endToEndRate, off.find((o) => o.round === p.round)?.endToEndRate ?? Number.NaN),
      );
      const elapsed = [...on, ...off].reduce((n, p) => n + p.endToEndMs / 1000, 0);
      return {
        mode,
        onRate: median(on.map((p) => p.endToEndRate)),
        offRate: median(off.map((p) => p.endToEndRate)),
        onP50: pooled(on)(50),
        offP50: pooled(off)(50),
        onP99: pooled(on)(99),
        offP99: pooled(off)(99),
        ratio: median(roundRatios),
        roundRatios,
        otherShare: [...on, ...off].reduce((n, p) => n + p.otherCpu, 0) / (elapsed * machine.cpus),
        onCpu: sumRoles(on),
        offCpu: sumRoles(off),
        onMessages: on.reduce((n, p) => n + p.load.accepted, 0),
        offMessages: off.reduce((n, p) => n + p.load.accepted, 0),
      };
    })
  : [];
for (const t of traceSummaries) {
  lines.push("");
  lines.push(`mode ${t.mode}, message trace on vs off (medians over ${options.rounds} round(s)):`);
  lines.push(
    `  on ${fmtRate(t.onRate)} (time-to-250 p50 ${fmtMs(t.onP50)}, p99 ${fmtMs(t.onP99)}); ` +
      `off ${fmtRate(t.offRate)} (p50 ${fmtMs(t.offP50)}, p99 ${fmtMs(t.offP99)})`,
  );
  lines.push(
    `  on / off: ${fmtRatio(t.ratio)} (rounds: ${t.roundRatios.map(fmtRatio).join(", ")}); p99 difference ${(t.onP99 - t.offP99).toFixed(2)} ms; ` +
      `other users' CPU ${(t.otherShare * 100).toFixed(0)}% of the machine`,
  );
  // Where the difference is: server CPU per message by process role, summed over the rounds.
  const roles = [...new Set([...Object.keys(t.onCpu), ...Object.keys(t.offCpu)])].sort();
  const perMessage = (cpu: Record<string, number>, messages: number, role: string) =>
    (1000 * (cpu[role] ?? 0)) / Math.max(1, messages);
  const onTotal = sumCpu(t.onCpu);
  const offTotal = sumCpu(t.offCpu);
  lines.push(
    `  server CPU over the rounds: on ${onTotal.toFixed(1)} s, off ${offTotal.toFixed(1)} s (${fmtPercent(onTotal / offTotal - 1)}); ` +
      `per message on / off: ${roles
        .map(
          (r) =>
            `${r} ${perMessage(t.onCpu, t.onMessages, r).toFixed(3)} / ${perMessage(t.offCpu, t.offMessages, r).toFixed(3)} ms`,
        )
        .join(", ")}`,
  );
}
if (wholeRunCpu.yubin !== undefined && wholeRunCpu["yubin-untraced"] !== undefined) {
  const on = wholeRunCpu.yubin;
  const off = wholeRunCpu["yubin-untraced"];
  const messagesOn = phases.filter((p) => p.side === "yubin").reduce((n, p) => n + p.load.accepted, 0);
  const messagesOff = phases.filter((p) => p.side === "yubin-untraced").reduce((n, p) => n + p.load.accepted, 0);
  lines.push(
    "",
    `tracing on vs off, whole run (every mode and round, and between phases): on ${on.toFixed(1)} s, off ${off.toFixed(1)} s ` +
      `(${fmtPercent(on / off - 1)}); per message ${((1000 * on) / messagesOn).toFixed(3)} / ${((1000 * off) / messagesOff).toFixed(3)} ms`,
  );
}
if (activityLines.length)
  lines.push("", "database sessions (pg_stat_activity samples every 25 ms, last Yubin phase):", ...activityLines);
if (invalid) lines.push("", "INVALID RUN: a store does not hold exactly the acknowledged messages (see above).");
lines.push("=========================================");
console.log(lines.join("\n"));

// ---------------------------------------------------------------- docs/benchmarks.md

const DOC = path.join(repoRoot, "docs", "benchmarks.md");
const START =
  "<!-- bench:smtp rows start (written by bench/smtp-load.ts; one row per mode/N/size/C/rounds/machine, latest run wins) -->";
const END = "<!-- bench:smtp rows end -->";
const HEADER =
  "| date | machine | command | mode | Yubin msg/s | p50 | p99 | Postfix accept msg/s (p50 / p99) | Postfix→Dovecot end to end msg/s | Yubin / Postfix accept | Yubin / Postfix→Dovecot: median of the rounds (each round; of the median rates) | other users' CPU |\n" +
  "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

// A --trace both run reports in its own table below (its Yubin rows are not the default configuration's alone).
if (options.docs && options.trace !== "both") {
  const date = new Date().toISOString().slice(0, 10);
  const machineCell = `${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`;
  const code = gitState();
  const rows = summaries.map((m) => {
    const cells = [
      `${date}, ${code.split(" ")[0]}${code.includes("uncommitted") ? " + local changes" : ""}`,
      machineCell,
      `\`${command}\``,
      `${m.mode}, N=${options.messages}, ${options.size} B, C=${options.connections}, ${options.rounds} round(s)`,
      `${m.yubinRate.toFixed(0)}${invalid ? " (INVALID)" : ""}`,
      fmtMs(m.yubinP50),
      fmtMs(m.yubinP99),
      referenceVersions ? `${m.refAccept.toFixed(0)} (${fmtMs(m.refP50)} / ${fmtMs(m.refP99)})` : "not run",
      referenceVersions ? `${m.refEndToEnd.toFixed(0)} (mail_fsync=${options.dovecotFsync})` : "not run",
      referenceVersions ? fmtRatio(m.acceptRatio) : "n/a",
      referenceVersions
        ? `${fmtRatio(m.ratio)} (${m.roundRatios.map(fmtRatio).join(", ")}; ${fmtRatio(m.ratioOfMedians)})`
        : "n/a",
      `${(m.otherShare * 100).toFixed(0)}%`,
    ];
    return `| ${cells.join(" | ")} |`;
  });
  const key = (line: string) => {
    const c = line.split(" | ");
    return `${c[1]}|${c[3]}|${(c[8] ?? "").replace(/.*mail_fsync=/, "")}`;
  };
  let doc = existsSync(DOC)
    ? readFileSync(DOC, "utf8")
    : "# Benchmarks\n\nFigures from the load generators in `bench/`. Each section says how to reproduce its table.\n";
  if (!doc.includes(START) || !doc.includes(END)) {
    doc = `${doc.trimEnd()}\n\n## Inbound SMTP (bench:smtp)\n\n${START}\n${HEADER}\n${END}\n`;
  }
  const [head, rest] = doc.split(START) as [string, string];
  const [table, tail] = rest.split(END) as [string, string];
  const kept = table
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| date") && !l.startsWith("| ---"))
    .filter((l) => l.split(" | ").length === 12 && !rows.some((r) => key(r) === key(l)));
  doc = `${head}${START}\n${HEADER}\n${[...kept, ...rows].join("\n")}\n${END}${tail}`;
  writeFileSync(DOC, doc);
  console.log(`\nwrote the figures to ${path.relative(repoRoot, DOC)} (Inbound SMTP)`);
}
const TRACE_START =
  "<!-- bench:smtp trace rows start (written by bench/smtp-load.ts --trace both; one row per mode/N/size/C/rounds/machine, latest run wins) -->";
const TRACE_END = "<!-- bench:smtp trace rows end -->";
const TRACE_HEADER =
  "| date | machine | command | mode | tracing on msg/s | off msg/s | on / off (each round) | time-to-250 p50 on / off | p99 on / off | p99 difference | other users' CPU | server CPU on vs off: this mode's phases; whole run |\n" +
  "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
if (options.docs && traceSummaries.length > 0) {
  const date = new Date().toISOString().slice(0, 10);
  const code = gitState();
  const machineCell = `${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`;
  const rows = traceSummaries.map((t) => {
    const cells = [
      `${date}, ${code.split(" ")[0]}${code.includes("uncommitted") ? " + local changes" : ""}`,
      machineCell,
      `\`${command}\``,
      `${t.mode}, N=${options.messages}, ${options.size} B, C=${options.connections}, ${options.rounds} round(s)`,
      `${t.onRate.toFixed(0)}${invalid ? " (INVALID)" : ""}`,
      t.offRate.toFixed(0),
      `${fmtRatio(t.ratio)} (${t.roundRatios.map(fmtRatio).join(", ")})`,
      `${fmtMs(t.onP50)} / ${fmtMs(t.offP50)}`,
      `${fmtMs(t.onP99)} / ${fmtMs(t.offP99)}`,
      `${(t.onP99 - t.offP99).toFixed(2)} ms`,
      `${(t.otherShare * 100).toFixed(0)}%`,
      `${fmtPercent(sumCpu(t.onCpu) / sumCpu(t.offCpu) - 1)}; ${
        wholeRunCpu.yubin !== undefined && wholeRunCpu["yubin-untraced"]
          ? fmtPercent(wholeRunCpu.yubin / wholeRunCpu["yubin-untraced"] - 1)
          : "n/a"
      }`,
    ];
    return `| ${cells.join(" | ")} |`;
  });
  let doc = readFileSync(DOC, "utf8");
  if (!doc.includes(TRACE_START) || !doc.includes(TRACE_END)) {
    doc = `${doc.trimEnd()}\n\n## Inbound SMTP with and without the message trace (bench:smtp --trace both)\n\n${TRACE_START}\n${TRACE_HEADER}\n${TRACE_END}\n`;
  }
  const [head, rest] = doc.split(TRACE_START) as [string, string];
  const [table, tail] = rest.split(TRACE_END) as [string, string];
  const key = (line: string) => {
    const c = line.split(" | ");
    return `${c[1]}|${c[3]}`;
  };
  const kept = table
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| date") && !l.startsWith("| ---"))
    .filter((l) => !rows.some((r) => key(r) === key(l)));
  writeFileSync(DOC, `${head}${TRACE_START}\n${TRACE_HEADER}\n${[...kept, ...rows].join("\n")}\n${TRACE_END}${tail}`);
  console.log(`wrote the tracing on/off figures to ${path.relative(repoRoot, DOC)}`);
}
for (const n of notes) console.log(n);
process.exitCode = invalid ? 1 : 0;
