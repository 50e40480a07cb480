// IMAP load: Yubin's IMAP server over PostgreSQL (the store adapter, in a
// child process of its own, on an embedded PostgreSQL of its own: the load
// generator's 50 clients must not share the server's event loop, as they do
// not share Dovecot's processes) and Debian's Dovecot IMAP on
// loopback in the same run, given the same 10,000-message mailbox of ~10 KB
// mixed Japanese/English mail and the same workload: SELECT, UID FETCH 1:*
// (FLAGS ENVELOPE), UID SEARCH BODY, body FETCH throughput, a mixed workload
// of concurrent clients (login, select, fetch, store, append, expunge, idle,
// noop) with ops/s and p50/p99 per command, and the server memory of 1,000
// idle connections in IDLE. A load generator: it reports, it never fails on
// figures.
//
// The mixed workload runs in two forms, one after the other on the same
// logged-in clients (`--mixed closed,paced`, the default; or either alone):
// - closed: each client sends its next command as soon as the last one is
//   answered, for --seconds. It measures capacity (ops/s, the 0.5× target),
//   but its latencies are mostly queueing behind the 49 other clients, since
//   the server is saturated by construction.
// - paced (open loop): each client sends its next command after a think time
//   drawn from an exponential distribution of mean 1/--paced-rate s (so the
//   50 clients offer a Poisson stream of 50 × rate ops/s, well below
//   capacity), for --paced-seconds. Latency counts from when the command was
//   due, not from when it was sent: if the server is slow and a client's
//   previous command has not come back yet, the wait counts (no coordinated
//   omission). That is how mail clients, idle between commands, load a server,
//   and what "p99 per command at 50 clients" asks about.
//
// Usage: npm run bench:imap -- [--messages 10000] [--clients 50] [--seconds 20]
//   [--mixed closed,paced] [--paced-seconds 30] [--paced-rate 1] [--idle 1000] [--no-dovecot] [--client-nagle]
// The idle connections are held by a child process (this file with
// --idle-child), so the server's memory is measured apart from the clients';
// Yubin's server is this file with --server-child; BENCH_YUBIN_NODE_OPTIONS is
// given to it as NODE_OPTIONS (to profile it: "--import ./bench/cpu-profile.mjs"
// and BENCH_CPU_PROFILE_DIR=/tmp/prof, as for bench:smtp).

import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { startImapServer } from "../mail-daemons/imap/imap-server.ts";
import { storeImapBackend } from "../mail-daemons/imap/store-backend.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { storeMessage } from "../server/mail-store/store-message.ts";
import { createUser } from "../server/users/create-user.ts";
import { testTls } from "../tests/protocol/imap/support/imap-fixture.ts";
import { DOVECOT_IMAP_PASSWORD, dovecotImapMissing, startDovecotImap } from "./dovecot-imap.ts";
import { busyShare, cpuSample, cpuSeconds, descendants, machineTicks } from "./proc-stats.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    mixed: { type: "string", default: "closed,paced" },
    "paced-seconds": { type: "string", default: "30" },
    "paced-rate": { type: "string", default: "1" },
    idle: { type: "string", default: "1000" },
    "no-dovecot": { type: "boolean", default: false },
    "client-nagle": { type: "boolean", default: false },
    "idle-child": { type: "boolean", default: false },
    "server-child": { type: "boolean", default: false },
    port: { type: "string", default: "0" },
    user: { type: "string", default: "" },
    password: { type: "string", default: "" },
  },
});
const MESSAGES = Number(values.messages);
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const IDLE = Number(values.idle);
/**
 * The load generator's sockets set TCP_NODELAY, as the SMTP and POP3 benches' clients do, unless
 * --client-nagle. A client that leaves Nagle's algorithm on and writes an APPEND's LITERAL+
 * literal apart from its command line holds the literal until the server ACKs the line: Dovecot sets
 * TCP_QUICKACK after each response and ACKs at once; Node has no way to set it, so Yubin's kernel
 * delays that ACK (~40 ms). See docs/benchmarks.md.
 */
const CLIENT_NAGLE = values["client-nagle"];
const MIXED = new Set(values.mixed.split(",").map((w) => w.trim()));
for (const w of MIXED)
  if (w !== "closed" && w !== "paced") throw new Error(`--mixed: "${w}" is neither closed nor paced`);
const PACED_SECONDS = Number(values["paced-seconds"]);
/** Commands per second per client in the paced workload (the mean think time is its inverse). */
const PACED_RATE = Number(values["paced-rate"]);
if (!(PACED_SECONDS > 0) || !(PACED_RATE > 0)) throw new Error("--paced-seconds and --paced-rate must be positive");
const USER = { email: "bench@example.com", password: "bench-password-1" };
const IDLE_USER = { email: "idle@example.com", password: "idle-password-1" };
/** Messages in the idle connections' INBOX: a small mailbox, as most users' are. */
const IDLE_MESSAGES = 20;

const WORDS_EN = "invoice renewal cancel upgrade plan team member access login error page report export".split(" ");
const WORDS_JA = ["請求書", "再発行", "お問い合わせ", "ログイン", "エラー", "契約", "更新", "ご確認", "よろしく"];

function benchMail(n: number): Buffer {
  let body = "";
  while (Buffer.byteLength(body) < 9_500) {
    const en = WORDS_EN[(n + body.length) % WORDS_EN.length];
    const ja = WORDS_JA[(n * 7 + body.length) % WORDS_JA.length];
    body += `${en} ${ja}です。 `;
    if (body.length % 10 === 0) body += "\r\n";
  }
  const marker = n % 100 === 0 ? " zanzibar" : "";
  return Buffer.from(
    [
      `From: Customer ${n} <c${n}@customer.example>`,
      "To: bench@example.com",
      `Subject: =?UTF-8?B?${Buffer.from(`お問い合わせ ${n}`).toString("base64")}?=`,
      `Message-ID: <bench-${n}@customer.example>`,
      `Date: ${new Date(Date.UTC(2026, 0, 1) + n * 60_000).toUTCString()}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      body.replace(/\r?\n/g, "\r\n") + marker,
      "",
    ].join("\r\n"),
  );
}

/** A minimal client: one command at a time, resolves with the response bytes at the tagged line. */
class Client {
  private buffer = "";
  /** Chunks of the response being read, and the end of it already searched for the tagged line. */
  private chunks: string[] = [];
  private tail = "\r\n";
  private waiting: { tag: string; resolve: (text: string) => void; reject: (e: Error) => void } | null = null;
  private tags = 0;
  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      if (this.waiting) this.take(chunk);
      else this.buffer += chunk;
    });
    socket.on("error", (error) => this.waiting?.reject(error));
  }

  static async connect(port: number): Promise<Client> {
    const socket = net.connect(port, "127.0.0.1");
    if (!CLIENT_NAGLE) socket.setNoDelay(true);
    const client = new Client(socket);
    await new Promise<void>((resolve) => {
      const onData = () => {
        if (client.buffer.includes("\r\n")) {
          client.buffer = "";
          socket.off("data", onData);
          resolve();
        }
      };
      socket.on("data", onData);
    });
    return client;
  }

  private check(): void {
    if (!this.waiting || !this.buffer) return;
    const pending = this.buffer;
    this.buffer = "";
    this.take(pending);
  }

  /**
   * Adds a chunk of the awaited response and looks for its tagged line in the
   * new bytes only (with the last few before them), so that a response of
   * megabytes in thousands of chunks is not searched over and over: the load
   * generator must not be what a large FETCH waits for.
   */
  private take(chunk: string): void {
    if (!this.waiting) return;
    this.chunks.push(chunk);
    const window = this.tail + chunk;
    const marker = `\r\n${this.waiting.tag} `;
    const at = window.lastIndexOf(marker);
    const end = at < 0 ? -1 : window.indexOf("\r\n", at + 2);
    if (end < 0) {
      this.tail = window.slice(-512);
      return;
    }
    const all = this.chunks.join("");
    // The tagged line ends `window.length - end - 2` characters before the end of what came.
    const cut = all.length - (window.length - end - 2);
    this.chunks = [];
    this.tail = "\r\n";
    this.buffer = all.slice(cut);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve(all.slice(0, cut));
  }

  command(line: string, literal?: Buffer): Promise<string> {
    const tag = `b${++this.tags}`;
    return new Promise((resolve, reject) => {
      this.waiting = { tag, resolve, reject };
      if (literal) {
        this.socket.write(`${tag} ${line} {${literal.length}+}\r\n`);
        this.socket.write(literal);
        this.socket.write("\r\n");
      } else {
        this.socket.write(`${tag} ${line}\r\n`);
      }
      this.check();
    });
  }

  /** Waits for the "+ idling" continuation; resolves with the text before it. */
  private continuation(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const at = `\r\n${this.buffer}`.indexOf("\r\n+ ");
        if (at < 0) return false;
        const end = this.buffer.indexOf("\r\n", at);
        if (end < 0) return false;
        this.buffer = this.buffer.slice(end + 2);
        return true;
      };
      if (check()) return resolve();
      const onClose = () => reject(new Error("closed while waiting for a continuation"));
      const onData = () => {
        if (!check()) return;
        this.socket.off("data", onData);
        this.socket.off("close", onClose);
        resolve();
      };
      this.socket.on("data", onData);
      this.socket.once("close", onClose);
    });
  }

  /**
   * IDLE for `ms`, then DONE; returns the server's time (IDLE to "+", DONE to
   * OK), not the wait. The first part counts from `from` when given (the
   * paced workload's due time), else from sending IDLE. The wait ends at
   * `until` at the latest.
   */
  async idle(ms: number, from?: number, until?: number): Promise<number> {
    const tag = `b${++this.tags}`;
    let started = from ?? performance.now();
    const plus = this.continuation();
    this.socket.write(`${tag} IDLE\r\n`);
    await plus;
    let spent = performance.now() - started;
    // Never past `until` (the paced workload's next due time: a client leaves IDLE for its next command).
    const hold = until === undefined ? ms : Math.max(0, Math.min(ms, until - performance.now()));
    await new Promise((r) => setTimeout(r, hold));
    const done = new Promise<string>((resolve, reject) => {
      this.waiting = { tag, resolve, reject };
    });
    started = performance.now();
    this.socket.write("DONE\r\n");
    this.check();
    await done;
    spent += performance.now() - started;
    return spent;
  }

  /** Enters IDLE and stays (the idle-memory measurement). */
  async idleForever(): Promise<void> {
    const plus = this.continuation();
    this.socket.write(`i${++this.tags} IDLE\r\n`);
    await plus;
  }

  close(): void {
    this.socket.destroy();
  }
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as number;
}

function median(list: number[]): number {
  return percentile(
    [...list].sort((a, b) => a - b),
    0.5,
  );
}

interface Target {
  name: string;
  port: number;
  user: string;
  password: string;
  idleUser: string;
  idlePassword: string;
  /** Bytes of memory the server holds now, by measure (after a GC where it can). */
  memory(): Promise<Record<string, number>>;
  /** The processes that do the server's work, for its CPU time (Yubin's include PostgreSQL's backends). */
  cpuPids(): Promise<number[]>;
  /** Of those, the server's own process (Yubin's Node process), when it is not all of them. */
  ownPid?: number;
}

interface CommandFigures {
  name: string;
  n: number;
  p50: number;
  p99: number;
  /** Paced workload only: the same from when the command was sent (the server's part, without a client's own queue). */
  sentP50?: number;
  sentP99?: number;
}

interface MixedFigures {
  ops: number;
  /** Operations per second achieved (ops over the time from start to the last answer). */
  opsPerSecond: number;
  seconds: number;
  /** The server's CPU time during the workload per operation (Yubin's with PostgreSQL's). */
  cpuMsPerOp: number;
  /** Of which the server's own process (Yubin: Node, without PostgreSQL). */
  ownCpuMsPerOp: number | null;
  /** The server's CPU time over the workload's wall time: cores it kept busy. */
  cpuCores: number;
  /** The machine's 1-minute load average when the workload started. */
  loadBefore: number;
  /** The whole machine's busy share of all its CPUs meanwhile (this run, the other server idle, and everything else on it). */
  machineBusy: number;
  perCommand: CommandFigures[];
}

interface Figures {
  selectMs: number;
  fetchEnvelopesMs: number;
  envelopeMB: number;
  searchMs: number;
  searchHits: number;
  bodyMBps: number;
  /** LOGIN and SELECT of the mixed workload's clients, before it starts. */
  atLogin: CommandFigures[];
  closed: MixedFigures | null;
  paced: MixedFigures | null;
  /** Per measure: bytes per connection in IDLE. */
  idleBytesPerConnection: Record<string, number>;
}

function commandFigures(latencies: Map<string, number[]>, sent?: Map<string, number[]>): CommandFigures[] {
  return [...latencies].map(([name, list]) => {
    list.sort((x, y) => x - y);
    const fromSent = sent?.get(name)?.sort((x, y) => x - y);
    return {
      name,
      n: list.length,
      p50: percentile(list, 0.5),
      p99: percentile(list, 0.99),
      ...(fromSent ? { sentP50: percentile(fromSent, 0.5), sentP99: percentile(fromSent, 0.99) } : {}),
    };
  });
}

function record(latencies: Map<string, number[]>, name: string, ms: number): void {
  const list = latencies.get(name) ?? [];
  list.push(ms);
  latencies.set(name, list);
}

/** One client's place in the mixed workload's cycle of commands. */
interface MixedClient {
  client: Client;
  index: number;
  round: number;
  /** UID of the message it appended and has not expunged yet. */
  appended: number | null;
  /** The message its next APPEND sends. */
  nextMail: Buffer | null;
}

/**
 * The mixed workload's next command for this client (2 FETCH, 2 STORE,
 * APPEND, EXPUNGE of what it appended, IDLE, NOOP in a cycle of 8, the
 * clients at different places in it). Returns its name and its latency in
 * ms counted from `from`: when it was due (paced), or now (closed loop).
 * IDLE holds 50 ms, or less when the client's `next` command is due sooner.
 */
async function mixedStep(m: MixedClient, from: number, next?: number): Promise<[string, number]> {
  m.round++;
  const c = m.client;
  const uid = 1 + Math.floor(Math.random() * MESSAGES);
  const step = (m.index + m.round) % 8;
  const since = async (run: () => Promise<unknown>) => {
    await run();
    return performance.now() - from;
  };
  if (step === 0 || step === 5)
    return ["FETCH", await since(() => c.command(`UID FETCH ${uid} (FLAGS ENVELOPE BODY.PEEK[])`))];
  if (step === 1 || step === 6) {
    const sign = Math.random() < 0.5 ? "+" : "-";
    return ["STORE", await since(() => c.command(`UID STORE ${uid} ${sign}FLAGS (\\Flagged)`))];
  }
  if (step === 2) {
    const mail = m.nextMail ?? benchMail(1_000_000 + m.index * 100_000 + m.round);
    const ms = await since(async () => {
      const reply = await c.command("APPEND INBOX (\\Seen)", mail);
      m.appended = Number(/APPENDUID \d+ (\d+)/.exec(reply)?.[1] ?? 0) || null;
    });
    // The next one made off the clock (a few ms of the load generator's CPU: not the server's time).
    m.nextMail = benchMail(1_000_000 + m.index * 100_000 + m.round + 8);
    return ["APPEND", ms];
  }
  if (step === 3) {
    // The message this client appended: the mailbox stays at its size.
    const target = m.appended;
    m.appended = null;
    const ms = await since(async () => {
      if (!target) return c.command("EXPUNGE");
      await c.command(`UID STORE ${target} +FLAGS.SILENT (\\Deleted)`);
      return c.command(`UID EXPUNGE ${target}`);
    });
    return ["EXPUNGE", ms];
  }
  if (step === 4) return ["IDLE", await c.idle(50, from, next)];
  return ["NOOP", await since(() => c.command("NOOP"))];
}

/** An exponentially distributed think time of mean 1/rate seconds, in ms. */
function thinkMs(rate: number): number {
  return (-Math.log(1 - Math.random()) / rate) * 1000;
}

/**
 * Runs one form of the mixed workload on the logged-in clients and measures
 * it: the closed loop for SECONDS, or the paced (open) loop for
 * PACED_SECONDS at PACED_RATE commands per second per client.
 */
async function mixedWorkload(target: Target, clients: MixedClient[], form: "closed" | "paced"): Promise<MixedFigures> {
  const latencies = new Map<string, number[]>();
  const sent = new Map<string, number[]>();
  let ops = 0;
  const cpuPids = await target.cpuPids();
  const cpuBefore = cpuSample(cpuPids, true);
  const machineBefore = machineTicks();
  const loadBefore = os.loadavg()[0] as number;
  const start = performance.now();
  const closedWorker = async (m: MixedClient) => {
    const deadline = start + SECONDS * 1000;
    while (performance.now() < deadline) {
      const [name, ms] = await mixedStep(m, performance.now());
      record(latencies, name, ms);
      ops++;
    }
  };
  const pacedWorker = async (m: MixedClient) => {
    const deadline = start + PACED_SECONDS * 1000;
    // Each client's commands form a Poisson stream of PACED_RATE per second, from a random phase.
    for (let due = start + thinkMs(PACED_RATE), next = 0; due < deadline; due = next) {
      next = due + thinkMs(PACED_RATE);
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Late when the previous command (or this process's timer) overran its due time: that wait counts.
      const sentAt = performance.now();
      const [name, ms] = await mixedStep(m, due, next);
      record(latencies, name, ms);
      record(sent, name, ms - (sentAt - due));
      ops++;
    }
  };
  await Promise.all(clients.map(form === "closed" ? closedWorker : pacedWorker));
  const seconds = (performance.now() - start) / 1000;
  const machineAfter = machineTicks();
  // Connections PostgreSQL opened meanwhile count from their start.
  const cpuAfter = cpuSample([...new Set([...cpuPids, ...(await target.cpuPids())])], true);
  const cpu = cpuSeconds(cpuBefore, cpuAfter);
  const own = target.ownPid;
  const ownCpu =
    own === undefined
      ? null
      : cpuSeconds(new Map([[own, cpuBefore.get(own) ?? 0]]), new Map([[own, cpuAfter.get(own) ?? 0]]));
  return {
    ops,
    opsPerSecond: ops / seconds,
    seconds,
    cpuMsPerOp: (cpu * 1000) / ops,
    ownCpuMsPerOp: ownCpu === null ? null : (ownCpu * 1000) / ops,
    cpuCores: cpu / seconds,
    machineBusy: busyShare(machineBefore, machineAfter),
    loadBefore,
    perCommand: commandFigures(latencies, form === "paced" ? sent : undefined),
  };
}

async function measure(target: Target): Promise<Figures> {
  const login = async () => {
    const client = await Client.connect(target.port);
    const reply = await client.command(`LOGIN ${target.user} ${target.password}`);
    if (!/ OK /.test(reply)) throw new Error(`${target.name} LOGIN failed: ${reply}`);
    return client;
  };
  const single = await login();
  // The first SELECT builds Dovecot's index and warms both servers' caches; it is not counted.
  await single.command("SELECT INBOX");
  const selects: number[] = [];
  for (let i = 0; i < 7; i++) {
    const [reply, ms] = await timed(() => single.command("SELECT INBOX"));
    if (!new RegExp(`\\* ${MESSAGES} EXISTS`).test(reply))
      throw new Error(`${target.name} SELECT: ${reply.slice(0, 300)}`);
    selects.push(ms);
  }
  const fetches: number[] = [];
  let envelopeBytes = 0;
  for (let i = 0; i < 3; i++) {
    const [envelopes, ms] = await timed(() => single.command("UID FETCH 1:* (FLAGS ENVELOPE)"));
    envelopeBytes = envelopes.length;
    fetches.push(ms);
  }
  const searches: number[] = [];
  let hits = 0;
  for (let i = 0; i < 3; i++) {
    const [search, ms] = await timed(() => single.command("UID SEARCH BODY zanzibar"));
    hits = (/\* SEARCH([\d ]*)/.exec(search)?.[1] ?? "").trim().split(/\s+/).filter(Boolean).length;
    searches.push(ms);
  }
  const [bodies, bodyMs] = await timed(() => single.command("UID FETCH 1:1000 BODY.PEEK[]"));
  await single.command("LOGOUT");
  single.close();

  // The mixed workload: every client logs in and selects (at most LOGINS_AT_ONCE logins in flight:
  // more from one address at once would be a guesser to the login throttle), then, all together,
  // they run the closed loop and/or the paced loop (mixedWorkload) over fetch, store, append,
  // expunge (of what it appended), idle and noop.
  const LOGINS_AT_ONCE = 4;
  const atLogin = new Map<string, number[]>();
  const clients: MixedClient[] = [];
  for (let i = 0; i < CLIENTS; i += LOGINS_AT_ONCE) {
    await Promise.all(
      Array.from({ length: Math.min(LOGINS_AT_ONCE, CLIENTS - i) }, async () => {
        const [client, loginMs] = await timed(login);
        record(atLogin, "LOGIN", loginMs);
        const [, selectMs] = await timed(() => client.command("SELECT INBOX"));
        record(atLogin, "SELECT", selectMs);
        clients.push({ client, index: clients.length, round: 0, appended: null, nextMail: null });
      }),
    );
  }
  const closed = MIXED.has("closed") ? await mixedWorkload(target, clients, "closed") : null;
  // Let what the closed loop left (PostgreSQL's autovacuum, Dovecot's index writes) settle first.
  if (closed) await new Promise((r) => setTimeout(r, 3000));
  const paced = MIXED.has("paced") ? await mixedWorkload(target, clients, "paced") : null;
  await Promise.all(
    clients.map(async ({ client }) => {
      await client.command("LOGOUT").catch(() => "");
      client.close();
    }),
  );

  const idleBytesPerConnection = IDLE > 0 ? await idleMemory(target) : {};

  return {
    selectMs: median(selects),
    fetchEnvelopesMs: median(fetches),
    envelopeMB: envelopeBytes / 1e6,
    searchMs: median(searches),
    searchHits: hits,
    bodyMBps: (bodies.length / 1e6 / bodyMs) * 1000,
    atLogin: commandFigures(atLogin),
    closed,
    paced,
    idleBytesPerConnection,
  };
}

/** Server memory per connection in IDLE: IDLE connections held by a child process, the server measured before and after. */
async function idleMemory(target: Target): Promise<Record<string, number>> {
  const before = await target.memory();
  const child = fork(
    new URL(import.meta.url).pathname,
    [
      "--idle-child",
      "--port",
      String(target.port),
      "--user",
      target.idleUser,
      "--password",
      target.idlePassword,
      "--idle",
      String(IDLE),
    ],
    { stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`idle clients exited with ${code}`)));
  });
  // Let the server settle (no command is in flight: every connection is in IDLE).
  await new Promise((r) => setTimeout(r, 2000));
  const after = await target.memory();
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await new Promise((r) => setTimeout(r, 1000));
  return Object.fromEntries(Object.entries(after).map(([key, bytes]) => [key, (bytes - (before[key] ?? 0)) / IDLE]));
}

/**
 * Yubin's IMAP server in a process of its own, as `yubin start --roles mail`
 * runs it, but with the per-user and per-address connection caps raised: one
 * user and one address hold every benchmark connection. Tells the parent its
 * port, answers "memory" with its RSS and heap + external after a GC.
 */
async function serverChild(): Promise<void> {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const url = process.env.DATABASE_URL as string;
  const backend = storeImapBackend(url);
  await backend.ready();
  const server = await startImapServer({
    port: 0,
    host: "127.0.0.1",
    tls: testTls(),
    implicitTls: false,
    backend,
    hostname: "localhost",
    log: () => {},
    allowPlaintextLoginFromLoopback: true,
    limits: { maxConnectionsPerAddress: IDLE + CLIENTS + 100, maxConnectionsPerUser: IDLE + CLIENTS + 100 },
  });
  process.on("message", async (message: string) => {
    if (message === "memory") {
      gc();
      const usage = process.memoryUsage();
      // RSS is what the process costs the machine; heap + external is what the sessions hold in JS.
      process.send?.({ memory: { RSS: usage.rss, "heap+external": usage.heapUsed + usage.external } });
    } else if (message === "stop") {
      await server.close();
      await backend.close();
      process.exit(0);
    }
  });
  process.send?.({ port: server.port });
  // Runs until the parent says "stop" (main() is followed by process.exit).
  await new Promise(() => {});
}

/** Starts serverChild() and waits for its port. */
async function startServerChild(databaseUrl: string) {
  const child = fork(
    new URL(import.meta.url).pathname,
    ["--server-child", "--clients", String(CLIENTS), "--idle", String(IDLE)],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        // e.g. "--import ./bench/cpu-profile.mjs" with BENCH_CPU_PROFILE_DIR, to profile the server under load.
        ...(process.env.BENCH_YUBIN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_YUBIN_NODE_OPTIONS } : {}),
      },
    },
  );
  const ask = <T>(request: string | null, key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message[key] as T);
      };
      const onExit = (code: number | null) => reject(new Error(`the IMAP server process exited with ${code}`));
      child.on("message", onMessage);
      child.once("exit", onExit);
      if (request) child.send(request);
    });
  const port = await ask<number>(null, "port");
  return {
    port,
    pid: child.pid as number,
    memory: () => ask<Record<string, number>>("memory", "memory"),
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("stop");
      await exited;
    },
  };
}

async function idleChild(): Promise<void> {
  const port = Number(values.port);
  const clients: Client[] = [];
  const open = async () => {
    const client = await Client.connect(port);
    const reply = await client.command(`LOGIN ${values.user} ${values.password}`);
    if (!/ OK /.test(reply)) throw new Error(`idle LOGIN failed: ${reply}`);
    await client.command("SELECT INBOX");
    await client.idleForever();
    clients.push(client);
  };
  // Four logins in flight at most, as in the mixed workload (the login throttle).
  for (let i = 0; i < IDLE; i += 4) await Promise.all(Array.from({ length: Math.min(4, IDLE - i) }, open));
  process.send?.("ready");
  await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  for (const client of clients) client.close();
  process.exit(0);
}

/** PSS (proportional set size) of these processes: shared pages counted once across them. */
function pssBytes(pids: number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      kib += Number(m?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kib * 1024;
}

function report(name: string, f: Figures): void {
  console.log(`\n== ${name}`);
  console.log(`SELECT ${MESSAGES}: median ${f.selectMs.toFixed(1)} ms`);
  console.log(`UID FETCH 1:* (FLAGS ENVELOPE): ${f.fetchEnvelopesMs.toFixed(0)} ms, ${f.envelopeMB.toFixed(1)} MB`);
  console.log(`UID SEARCH BODY (1 in 100 match, ${f.searchHits} hits): ${f.searchMs.toFixed(0)} ms`);
  console.log(`body FETCH 1,000 messages: ${f.bodyMBps.toFixed(1)} MB/s`);
  const lines = (list: CommandFigures[]) => {
    for (const c of list)
      console.log(
        `  ${c.name.padEnd(8)} n=${String(c.n).padStart(6)}  p50 ${c.p50.toFixed(1)} ms  p99 ${c.p99.toFixed(1)} ms` +
          (c.sentP99 === undefined
            ? ""
            : `   (from sending: p50 ${c.sentP50?.toFixed(1)} ms  p99 ${c.sentP99.toFixed(1)} ms)`),
      );
  };
  const mixed = (m: MixedFigures) =>
    `${m.seconds.toFixed(1)} s, ${m.ops} ops: ${m.opsPerSecond.toFixed(1)} ops/s; server CPU ${m.cpuMsPerOp.toFixed(2)} ms/op${m.ownCpuMsPerOp === null ? "" : ` (Node ${m.ownCpuMsPerOp.toFixed(2)})`}, ${m.cpuCores.toFixed(2)} cores; machine ${(m.machineBusy * 100).toFixed(0)}% busy (load average ${m.loadBefore.toFixed(1)} at the start)`;
  console.log(`mixed workload, ${CLIENTS} clients logged in and selected:`);
  lines(f.atLogin);
  if (f.closed) {
    console.log(`mixed, closed loop (back to back), ${mixed(f.closed)}`);
    lines(f.closed.perCommand);
  }
  if (f.paced) {
    console.log(
      `mixed, paced (open loop, ${(CLIENTS * PACED_RATE).toFixed(0)} ops/s offered, latency from the due time), ${mixed(f.paced)}`,
    );
    lines(f.paced.perCommand);
  }
  const idle = Object.entries(f.idleBytesPerConnection)
    .map(([key, bytes]) => `${(bytes / 1024).toFixed(1)} KiB ${key}`)
    .join(", ");
  console.log(`idle: ${idle} per connection in IDLE (${IDLE} connections, INBOX of ${IDLE_MESSAGES} messages)`);
}

async function main(): Promise<void> {
  if (values["idle-child"]) return idleChild();
  if (values["server-child"]) return serverChild();
  const load = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(" ");
  console.log(`load average before: ${load()}`);
  const corpus = Array.from({ length: MESSAGES }, (_, i) => ({ raw: benchMail(i + 1), seen: (i + 1) % 3 === 0 }));
  const idleCorpus = Array.from({ length: IDLE_MESSAGES }, (_, i) => ({ raw: benchMail(500_000 + i), seen: false }));

  const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-imap-"));
  const postgres = await startEmbeddedPostgres(scratch);
  process.env.DATABASE_URL = postgres.url;
  const results: Array<[string, Figures]> = [];
  try {
    await applyMigrations(postgres.url);
    await addDomain({ name: "example.com", actorId: null });
    await createUser({ email: USER.email, password: USER.password, actorId: null });
    await createUser({ email: IDLE_USER.email, password: IDLE_USER.password, actorId: null });
    const { db } = await import("../server/db.ts");
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: USER.email } });
    const idleMailbox = await db().mailbox.findUniqueOrThrow({ where: { address: IDLE_USER.email } });
    const seedStart = performance.now();
    for (const [i, message] of corpus.entries()) {
      await storeMessage({
        raw: message.raw,
        mailboxIds: [mailbox.id],
        direction: "inbound",
        flags: message.seen ? ["\\Seen"] : [],
      });
      if ((i + 1) % 1000 === 0) process.stderr.write(`seeded ${i + 1}\n`);
    }
    for (const message of idleCorpus)
      await storeMessage({ raw: message.raw, mailboxIds: [idleMailbox.id], direction: "inbound" });
    console.log(`seed: ${MESSAGES} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    await db().$executeRawUnsafe("vacuum analyze");

    const server = await startServerChild(postgres.url);
    const { sql } = await import("../server/db/raw-sql.ts");
    const postgresBackends = async () =>
      (
        await sql.$queryRaw<{ pid: number }[]>`
          select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`
      ).map((row) => row.pid);
    try {
      results.push([
        "Yubin",
        await measure({
          name: "Yubin",
          port: server.port,
          user: USER.email,
          password: USER.password,
          idleUser: IDLE_USER.email,
          idlePassword: IDLE_USER.password,
          memory: () => server.memory(),
          cpuPids: async () => [server.pid, ...(await postgresBackends())],
          ownPid: server.pid,
        }),
      ]);
    } finally {
      await server.stop();
    }
  } finally {
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }

  const missing = values["no-dovecot"] ? "--no-dovecot" : dovecotImapMissing();
  if (missing) console.log(`Dovecot: skipped (${missing})`);
  else {
    const dovecot = await startDovecotImap({ bench: corpus, idle: idleCorpus });
    try {
      console.log(`Dovecot ${dovecot.version}`);
      results.push([
        "Dovecot",
        await measure({
          name: "Dovecot",
          port: dovecot.port,
          user: "bench",
          password: DOVECOT_IMAP_PASSWORD,
          idleUser: "idle",
          idlePassword: DOVECOT_IMAP_PASSWORD,
          memory: async () => ({ PSS: pssBytes(descendants(dovecot.pids())) }),
          cpuPids: async () => descendants(dovecot.pids()),
        }),
      ]);
    } finally {
      await dovecot.stop();
    }
  }
  for (const [name, figures] of results) report(name, figures);
  const [yubin, dovecot] = results.map(([, f]) => f);
  if (yubin && dovecot) {
    if (yubin.closed && dovecot.closed)
      console.log(
        `\nmixed workload, closed loop: Yubin ${(yubin.closed.opsPerSecond / dovecot.closed.opsPerSecond).toFixed(2)}× Dovecot's ops/s`,
      );
    if (yubin.paced && dovecot.paced) {
      const worst = (m: MixedFigures) => m.perCommand.reduce((w, c) => (c.p99 > w.p99 ? c : w));
      const [y, d] = [worst(yubin.paced), worst(dovecot.paced)];
      console.log(
        `mixed workload, paced: worst p99 Yubin ${y.name} ${y.p99.toFixed(1)} ms, Dovecot ${d.name} ${d.p99.toFixed(1)} ms`,
      );
    }
    console.log(`SELECT: Yubin ${(yubin.selectMs / dovecot.selectMs).toFixed(2)}× Dovecot's time`);
  }
  console.log(`load average after: ${load()}`);
}

await main();
process.exit(0);
