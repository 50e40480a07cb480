// POP3 download: how fast Yubin serves a large maildrop with RETR, and the
// same messages from Debian's Dovecot POP3 (Maildir) in the same run as the
// reference (issue 12: at least 0.8× Dovecot's throughput, under 100 KB of
// memory per idle session). A load generator, not a test: it reports figures
// and fails (exit 1) only when a server did not send what it holds.
//
// Usage: npm run bench:pop3 -- [--messages 10000] [--size 10KiB] [--concurrency 10]
//                              [--rounds 2] [--idle-sessions 40] [--no-reference] [--no-docs]
//
// Setup: an embedded PostgreSQL in a temp dir with the migrations; a shared
// mailbox holding N messages stored through the one write path
// (storeMessage), under the keep policy, with one member and app password per
// concurrent login (one session per maildrop and login); `yubin start --roles
// mail` as a real process. Dovecot gets the same bytes in a Maildir, written as
// its LDA writes them, and the same argon2id password hashing as Yubin
// (bench/dovecot-pop3.ts). One warm-up download each, then per round and for
// 1 and C concurrent logins: every login first, all at once (login p50: USER
// to PASS's +OK, not part of MB/s), then the maildrop
// split between the logins (login k takes the k-th contiguous C-th of it, in
// order), one RETR at a time per login. MB/s = octets received ÷ wall time of the downloads
// (MB = 10^6 bytes); time to first byte = from writing RETR to the first
// byte of the answer. Idle sessions: RSS growth of the server's processes
// with that many logged-in sessions doing nothing (20-message maildrops).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createAppPassword } from "../server/auth/app-passwords.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { sql } from "../server/db/raw-sql.ts";
import { disconnectDb } from "../server/db.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { storeMessage } from "../server/mail-store/store-message.ts";
import { createMailbox } from "../server/mailboxes/create-mailbox.ts";
import { createUser } from "../server/users/create-user.ts";
import { freePort, repoRoot, startYubinProcess } from "../tests/support/yubin-process.ts";
import { DOVECOT_PASSWORD, dovecotPop3Missing, startDovecotPop3 } from "./dovecot-pop3.ts";
import { benchMessage } from "./mail-corpus.ts";
import { BenchPop3Client, type RetrTiming } from "./pop3-client.ts";
import { cpuSample, cpuSeconds, descendants, machineInfo } from "./proc-stats.ts";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string" },
    size: { type: "string" },
    concurrency: { type: "string" },
    rounds: { type: "string" },
    "idle-sessions": { type: "string" },
    "no-reference": { type: "boolean" },
    "no-docs": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
if (args.help) {
  console.log(readFileSync(new URL(import.meta.url), "utf8").split("\nimport ")[0]);
  process.exit(0);
}
const options = {
  messages: Number(args.messages ?? 10_000),
  size: parseSize(args.size ?? "10KiB"),
  concurrency: Number(args.concurrency ?? 10),
  rounds: Number(args.rounds ?? 2),
  // Under the POP3 listener's cap of 50 connections per client address (mail-daemons/pop3/limits.ts).
  idleSessions: Number(args["idle-sessions"] ?? 40),
  reference: !args["no-reference"],
  docs: !args["no-docs"],
};

function parseSize(text: string): number {
  const m = /^(\d+)\s*(kib|k|kb|mib|m|mb)?$/i.exec(text.trim());
  if (!m) throw new Error(`bad size: ${text}`);
  const unit = (m[2] ?? "").toLowerCase();
  return Number(m[1]) * (unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 * 1024 : 1);
}

const log = (line: string) => console.log(`[bench:pop3] ${line}`);
const MAILDROP = "pop3bench@example.com";
const PASSWORD = "bench pop3 password";
const IDLE_MESSAGES = 20;

// ---------------------------------------------------------------- setup

const machine = machineInfo();
const loadBefore = os.loadavg();
const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-pop3-"));
execFileSync("chmod", ["0711", scratch]);
const postgres = await startEmbeddedPostgres(path.join(scratch, "pg"));
await applyMigrations(postgres.url);
process.env.DATABASE_URL = postgres.url;
const cleanups: (() => Promise<void>)[] = [
  async () => {
    await disconnectDb();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  },
];

await addDomain({ name: "example.com", actorId: null });
const members: string[] = [];
for (let i = 1; i <= options.concurrency; i++) {
  const email = `reader${i}@example.com`;
  await createUser({ email, password: PASSWORD, actorId: null });
  members.push(email);
}
const shared = await createMailbox({ address: MAILDROP, kind: "shared", memberEmails: members, actorId: null });
const secrets: string[] = [];
for (const email of members) {
  secrets.push((await createAppPassword({ userEmail: email, mailboxId: shared.id, actorId: null })).secret);
}

log(`storing ${options.messages} messages of ${options.size} B through storeMessage`);
const runId = `p${Date.now().toString(36)}`;
const raws: Buffer[] = [];
for (let i = 0; i < options.messages; i++) {
  // benchMessage dot-stuffs for SMTP; the stored message is the unstuffed form.
  const stuffed = benchMessage(runId, i, options.size, MAILDROP).data.toString("latin1");
  raws.push(Buffer.from(stuffed.replace(/(^|\r\n)\./g, "$1"), "latin1"));
}
let next = 0;
const storeStarted = performance.now();
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < raws.length) {
      const raw = raws[next++] as Buffer;
      const [outcome] = await storeMessage({ raw, mailboxIds: [shared.id], direction: "inbound" });
      if (outcome?.outcome !== "stored") throw new Error(`not stored: ${JSON.stringify(outcome)}`);
    }
  }),
);
log(`stored in ${((performance.now() - storeStarted) / 1000).toFixed(1)} s`);

log(`${options.idleSessions} users with ${IDLE_MESSAGES}-message personal mailboxes for the idle sessions`);
const idleUsers: string[] = [];
for (let i = 1; i <= options.idleSessions; i++) {
  const email = `idle${i}@example.com`;
  const { mailbox } = await createUser({ email, password: PASSWORD, actorId: null });
  for (let m = 0; m < IDLE_MESSAGES; m++) {
    await storeMessage({
      raw: raws[(i * IDLE_MESSAGES + m) % raws.length] as Buffer,
      mailboxIds: [mailbox?.id as number],
      direction: "inbound",
    });
  }
  idleUsers.push(email);
}
const totalOctets = raws.reduce((sum, raw) => sum + raw.length, 0);
{
  const maintenance = new pg.Client({ connectionString: postgres.url });
  await maintenance.connect();
  await maintenance.query("vacuum analyze");
  await maintenance.query("checkpoint");
  await maintenance.end();
}

const yubinPort = await freePort();
const yubin = await startYubinProcess({
  roles: "mail",
  dataDir: path.join(scratch, "yubin"),
  env: {
    DATABASE_URL: postgres.url,
    YUBIN_HOSTNAME: "localhost",
    YUBIN_ADMIN_EMAIL: "admin@example.com",
    YUBIN_ADMIN_PASSWORD: PASSWORD,
    YUBIN_POP3_PORT: String(yubinPort),
    // For profiling, e.g. "--import ./bench/cpu-profile.mjs" with BENCH_CPU_PROFILE_DIR.
    ...(process.env.BENCH_YUBIN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_YUBIN_NODE_OPTIONS } : {}),
  },
});
/**
 * The PostgreSQL backends serving clients: Yubin's share of the work is there too. Not autovacuum,
 * checkpoints or WAL writing, which are the bulk load's aftermath (VACUUM ANALYZE and a CHECKPOINT
 * right after it keep them quiet); the bench's own connections are idle while it measures.
 */
const postgresBackends = async (): Promise<number[]> => {
  const rows = await sql.$queryRaw<{ pid: number }[]>`
    select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`;
  return rows.map((row) => row.pid);
};
cleanups.unshift(async () => {
  await yubin.stop();
});

interface Server {
  name: string;
  port: number;
  login(k: number): { user: string; password: string };
  idleLogin(k: number): { user: string; password: string };
  /** The server's own processes (memory). */
  pids(): number[];
  /** Everything that works for it (CPU): Yubin's includes PostgreSQL's backends. */
  cpuPids(): Promise<number[]>;
}

const servers: Server[] = [
  {
    name: "Yubin",
    port: yubinPort,
    login: (k) => ({ user: MAILDROP, password: secrets[k] as string }),
    idleLogin: (k) => ({ user: idleUsers[k] as string, password: PASSWORD }),
    pids: () => descendants([yubin.child.pid as number]),
    cpuPids: async () => [...descendants([yubin.child.pid as number]), ...(await postgresBackends())],
  },
];
let dovecotVersion = "not run";
if (options.reference) {
  const missing = dovecotPop3Missing();
  if (missing) {
    log(`no Dovecot reference: needs ${missing}`);
  } else {
    const idleDrops = Array.from({ length: IDLE_MESSAGES }, (_, m) => raws[m] as Buffer);
    const dovecot = await startDovecotPop3(raws, { idleUsers: options.idleSessions, idleMessages: idleDrops });
    cleanups.unshift(() => dovecot.stop());
    dovecotVersion = dovecot.version;
    servers.push({
      name: "Dovecot",
      port: dovecot.port,
      // pop3_lock_session is off by default: C sessions of one user share the Maildir.
      login: () => ({ user: "bench", password: DOVECOT_PASSWORD }),
      idleLogin: (k) => ({ user: `idle${k + 1}`, password: DOVECOT_PASSWORD }),
      pids: () => dovecot.pids(),
      cpuPids: async () => dovecot.pids(),
    });
  }
}

// ---------------------------------------------------------------- runs

interface RunResult {
  server: string;
  sessions: number;
  messages: number;
  octets: number;
  seconds: number;
  /** Median time of a login (USER to the +OK of PASS), all of the run's logins at once. */
  loginMs: number;
  firstByte: number[];
  /** Each RETR from the command to the terminator. */
  total: number[];
  /** CPU seconds the server (and for Yubin, PostgreSQL) spent on the downloads: comparable on a loaded machine. */
  cpu: number;
  /** Of which the server's own processes (for Yubin: Node, without PostgreSQL). */
  ownCpu: number;
}

async function download(server: Server, sessions: number): Promise<RunResult> {
  // All at once, as a team's clients behind one address poll (the login throttle lets parallel logins
  // with the right passwords through: server/auth/throttle.ts); each login timed on its own.
  const loginTimes: number[] = [];
  const clients: BenchPop3Client[] = await Promise.all(
    Array.from({ length: sessions }, async (_, k) => {
      const client = await BenchPop3Client.connect(server.port);
      const { user, password } = server.login(k);
      const started = performance.now();
      await client.login(user, password);
      loginTimes.push(performance.now() - started);
      return client;
    }),
  );
  const loginMs = quantile(loginTimes, 0.5);
  const count = Number((await (clients[0] as BenchPop3Client).command("STAT")).split(" ")[1]);
  if (count !== options.messages) throw new Error(`${server.name}: STAT says ${count} messages`);
  const firstByte: number[] = [];
  const total: number[] = [];
  let octets = 0;
  const cpuBefore = cpuSample(await server.cpuPids(), true);
  const start = performance.now();
  await Promise.all(
    clients.map(async (client, k) => {
      // A contiguous share each, read in order as clients do (and as Yubin's read-ahead expects).
      const from = Math.floor((k * count) / sessions) + 1;
      const to = Math.floor(((k + 1) * count) / sessions);
      for (let n = from; n <= to; n++) {
        const timing: RetrTiming = await client.retr(n);
        octets += timing.octets;
        firstByte.push(timing.firstByteMs);
        total.push(timing.totalMs);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const cpuAfter = cpuSample(await server.cpuPids(), true);
  const cpu = cpuSeconds(cpuBefore, cpuAfter);
  const own = new Set(server.pids());
  const ownCpu = cpuSeconds(
    new Map([...cpuBefore].filter(([pid]) => own.has(pid))),
    new Map([...cpuAfter].filter(([pid]) => own.has(pid))),
  );
  await Promise.all(clients.map((client) => client.quit()));
  // Dot-stuffing and the terminators add a little; fewer octets than stored means something was lost.
  if (octets < totalOctets) throw new Error(`${server.name}: received ${octets} octets of ${totalOctets}`);
  return { server: server.name, sessions, messages: count, octets, seconds, loginMs, firstByte, total, cpu, ownCpu };
}

function rssKiB(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += Number(m?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function idleMemory(server: Server): Promise<number> {
  const settle = () => new Promise((r) => setTimeout(r, 2000));
  await settle();
  const before = rssKiB(server.pids());
  const clients: BenchPop3Client[] = [];
  for (let k = 0; k < options.idleSessions; k++) {
    const client = await BenchPop3Client.connect(server.port);
    const { user, password } = server.idleLogin(k);
    await client.login(user, password);
    clients.push(client);
  }
  await settle();
  const during = rssKiB(server.pids());
  for (const client of clients) await client.quit();
  return ((during - before) * 1024) / options.idleSessions;
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const mbps = (r: RunResult) => r.octets / 1e6 / r.seconds;

const results: RunResult[] = [];
try {
  for (const server of servers) {
    log(`${server.name}: warm-up download`);
    await download(server, options.concurrency);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const sessions of [1, options.concurrency]) {
      for (const server of servers) {
        const result = await download(server, sessions);
        results.push(result);
        log(
          `round ${round}: ${server.name}, ${sessions} login(s): ${mbps(result).toFixed(1)} MB/s, ` +
            `${(result.messages / result.seconds).toFixed(0)} msg/s, TTFB p50 ${quantile(result.firstByte, 0.5).toFixed(2)} ms ` +
            `p95 ${quantile(result.firstByte, 0.95).toFixed(2)} ms, RETR p50 ${quantile(result.total, 0.5).toFixed(2)} ms, login p50 ${result.loginMs.toFixed(0)} ms, ` +
            `CPU ${((result.cpu / result.octets) * 1e9).toFixed(1)} s/GB (own processes ${((result.ownCpu / result.octets) * 1e9).toFixed(1)})`,
        );
      }
    }
  }
  const idle = new Map<string, number>();
  for (const server of servers) {
    idle.set(server.name, await idleMemory(server));
    log(`${server.name}: ${((idle.get(server.name) ?? 0) / 1024).toFixed(1)} KiB RSS per idle logged-in session`);
  }
  report(idle);
} finally {
  for (const cleanup of cleanups) await cleanup().catch((e: unknown) => log(`cleanup: ${String(e)}`));
}

// ---------------------------------------------------------------- report

function best(server: string, sessions: number): RunResult | undefined {
  return results.filter((r) => r.server === server && r.sessions === sessions).sort((a, b) => mbps(b) - mbps(a))[0];
}

function report(idle: Map<string, number>): void {
  const loadAfter = os.loadavg();
  const load = `load average ${loadBefore[0]?.toFixed(1)} before, ${loadAfter[0]?.toFixed(1)} after`;
  const lines = [
    "",
    "=========== bench:pop3 ===========",
    `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}; ${load}`,
    `maildrop: ${options.messages} messages, ${(totalOctets / 1e6).toFixed(1)} MB; Dovecot ${dovecotVersion}`,
  ];
  const rows: string[] = [];
  for (const sessions of [1, options.concurrency]) {
    const y = best("Yubin", sessions);
    const d = best("Dovecot", sessions);
    if (!y) continue;
    const ratio = d ? (mbps(y) / mbps(d)).toFixed(2) : "n/a";
    const cell = (r: RunResult | undefined) =>
      r
        ? `${mbps(r).toFixed(1)} MB/s (TTFB p50 ${quantile(r.firstByte, 0.5).toFixed(2)} ms, p95 ${quantile(r.firstByte, 0.95).toFixed(2)} ms; CPU ${((r.cpu / r.octets) * 1e9).toFixed(1)} s/GB; login p50 ${r.loginMs.toFixed(0)} ms)`
        : "not run";
    lines.push(`${sessions} login(s): Yubin ${cell(y)}; Dovecot ${cell(d)}; Yubin/Dovecot ${ratio}×`);
    rows.push(`${sessions} | ${cell(y)} | ${cell(d)} | ${ratio}×`);
  }
  const idleCell = (name: string) => (idle.has(name) ? `${((idle.get(name) ?? 0) / 1024).toFixed(1)} KiB` : "not run");
  lines.push(`idle logged-in session (RSS): Yubin ${idleCell("Yubin")}, Dovecot ${idleCell("Dovecot")}`);
  lines.push("==================================");
  console.log(lines.join("\n"));
  if (!options.docs) return;
  const date = new Date().toISOString().slice(0, 10);
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
    cwd: repoRoot,
    encoding: "utf8",
  }).trim().length;
  const prefix = `| ${date}, ${commit}${dirty ? " + local changes" : ""} | ${machine.cpus} × ${machine.model}, ${load} | \`npm run bench:pop3\` N=${options.messages}, ${options.size} B |`;
  const doc = path.join(repoRoot, "docs", "benchmarks.md");
  const START = "<!-- bench:pop3 rows start (written by bench/pop3.ts) -->";
  const END = "<!-- bench:pop3 rows end -->";
  let text = existsSync(doc) ? readFileSync(doc, "utf8") : "# Benchmarks\n";
  if (!text.includes(START)) {
    text = `${text.trimEnd()}\n\n## POP3 download (bench:pop3)\n\nSee bench/pop3.ts for what is measured.\n\n${START}\n| date | machine | command | logins | Yubin | Dovecot | Yubin / Dovecot |\n| --- | --- | --- | ---: | --- | --- | ---: |\n${END}\n`;
  }
  const newRows = [
    ...rows.map((row) => `${prefix} ${row} |`),
    `${prefix} idle | ${idleCell("Yubin")} RSS per logged-in idle session | ${idleCell("Dovecot")} | |`,
  ];
  text = text.replace(END, `${newRows.join("\n")}\n${END}`);
  writeFileSync(doc, text);
  log(`rows added to ${path.relative(process.cwd(), doc)}`);
}
