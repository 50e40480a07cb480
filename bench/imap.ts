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
// Usage: npm run bench:imap -- [--messages 10000] [--clients 50] [--seconds 20] [--idle 1000] [--no-dovecot]
// The idle connections are held by a child process (this file with
// --idle-child), so the server's memory is measured apart from the clients';
// Yubin's server is this file with --server-child.

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
import { cpuSample, cpuSeconds, descendants } from "./proc-stats.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    idle: { type: "string", default: "1000" },
    "no-dovecot": { type: "boolean", default: false },
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
      const onData = () => {
        if (!check()) return;
        this.socket.off("data", onData);
        resolve();
      };
      this.socket.on("data", onData);
      this.socket.once("close", () => reject(new Error("closed while waiting for a continuation")));
    });
  }

  /** IDLE for `ms`, then DONE; returns the server's time (IDLE to "+", DONE to OK), not the wait. */
  async idle(ms: number): Promise<number> {
    const tag = `b${++this.tags}`;
    let started = performance.now();
    const plus = this.continuation();
    this.socket.write(`${tag} IDLE\r\n`);
    await plus;
    let spent = performance.now() - started;
    await new Promise((r) => setTimeout(r, ms));
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

interface Figures {
  selectMs: number;
  fetchEnvelopesMs: number;
  envelopeMB: number;
  searchMs: number;
  searchHits: number;
  bodyMBps: number;
  mixedOps: number;
  mixedSeconds: number;
  /** The server's CPU time during the mixed workload per operation (Yubin's with PostgreSQL's). */
  mixedCpuMsPerOp: number;
  /** Of which the server's own process (Yubin: Node, without PostgreSQL). */
  mixedOwnCpuMsPerOp: number | null;
  perCommand: Array<{ name: string; n: number; p50: number; p99: number }>;
  /** Per measure: bytes per connection in IDLE. */
  idleBytesPerConnection: Record<string, number>;
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
  // more from one address at once would be a guesser to the login throttle), then, all together for
  // SECONDS, loops over fetch, store, append, expunge (of what it appended), idle and noop.
  const LOGINS_AT_ONCE = 4;
  const latencies = new Map<string, number[]>();
  const record = (name: string, ms: number) => {
    const list = latencies.get(name) ?? [];
    list.push(ms);
    latencies.set(name, list);
  };
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i += LOGINS_AT_ONCE) {
    await Promise.all(
      Array.from({ length: Math.min(LOGINS_AT_ONCE, CLIENTS - i) }, async () => {
        const [client, loginMs] = await timed(login);
        record("LOGIN", loginMs);
        const [, selectMs] = await timed(() => client.command("SELECT INBOX"));
        record("SELECT", selectMs);
        clients.push(client);
      }),
    );
  }
  const deadline = Date.now() + SECONDS * 1000;
  let ops = 0;
  const worker = async (client: Client, index: number) => {
    let round = 0;
    let appended: number | null = null;
    while (Date.now() < deadline) {
      round++;
      const c = client;
      const uid = 1 + Math.floor(Math.random() * MESSAGES);
      const step = (index + round) % 8;
      let name: string;
      let ms: number;
      if (step === 0 || step === 5) {
        name = "FETCH";
        [, ms] = await timed(() => c.command(`UID FETCH ${uid} (FLAGS ENVELOPE BODY.PEEK[])`));
      } else if (step === 1 || step === 6) {
        name = "STORE";
        const sign = Math.random() < 0.5 ? "+" : "-";
        [, ms] = await timed(() => c.command(`UID STORE ${uid} ${sign}FLAGS (\\Flagged)`));
      } else if (step === 2) {
        name = "APPEND";
        let reply: string;
        [reply, ms] = await timed(() =>
          c.command("APPEND INBOX (\\Seen)", benchMail(1_000_000 + index * 100_000 + round)),
        );
        appended = Number(/APPENDUID \d+ (\d+)/.exec(reply)?.[1] ?? 0) || null;
      } else if (step === 3) {
        name = "EXPUNGE";
        // The message this client appended: the mailbox stays at its size.
        const target = appended;
        appended = null;
        [, ms] = await timed(async () => {
          if (!target) return c.command("EXPUNGE");
          await c.command(`UID STORE ${target} +FLAGS.SILENT (\\Deleted)`);
          return c.command(`UID EXPUNGE ${target}`);
        });
      } else if (step === 4) {
        name = "IDLE";
        ms = await c.idle(50);
      } else {
        name = "NOOP";
        [, ms] = await timed(() => c.command("NOOP"));
      }
      record(name, ms);
      ops++;
    }
    await client.command("LOGOUT").catch(() => "");
    client.close();
  };
  const mixedStart = performance.now();
  const cpuPids = await target.cpuPids();
  const cpuBefore = cpuSample(cpuPids, true);
  await Promise.all(clients.map((client, i) => worker(client, i)));
  const mixedSeconds = (performance.now() - mixedStart) / 1000;
  // Connections PostgreSQL opened meanwhile count from their start.
  const cpuAfter = cpuSample([...new Set([...cpuPids, ...(await target.cpuPids())])], true);
  const mixedCpu = cpuSeconds(cpuBefore, cpuAfter);
  const own = target.ownPid;
  const ownCpu =
    own === undefined
      ? null
      : cpuSeconds(new Map([[own, cpuBefore.get(own) ?? 0]]), new Map([[own, cpuAfter.get(own) ?? 0]]));
  const perCommand = [...latencies].map(([name, list]) => {
    list.sort((a, b) => a - b);
    return { name, n: list.length, p50: percentile(list, 0.5), p99: percentile(list, 0.99) };
  });

  const idleBytesPerConnection = IDLE > 0 ? await idleMemory(target) : {};

  return {
    selectMs: median(selects),
    fetchEnvelopesMs: median(fetches),
    envelopeMB: envelopeBytes / 1e6,
    searchMs: median(searches),
    searchHits: hits,
    bodyMBps: (bodies.length / 1e6 / bodyMs) * 1000,
    mixedOps: ops / mixedSeconds,
    mixedSeconds,
    mixedCpuMsPerOp: (mixedCpu * 1000) / ops,
    mixedOwnCpuMsPerOp: ownCpu === null ? null : (ownCpu * 1000) / ops,
    perCommand,
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
    { stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, DATABASE_URL: databaseUrl } },
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
  console.log(
    `mixed, ${CLIENTS} clients, ${f.mixedSeconds.toFixed(1)} s: ${f.mixedOps.toFixed(0)} ops/s, server CPU ${f.mixedCpuMsPerOp.toFixed(2)} ms/op${f.mixedOwnCpuMsPerOp === null ? "" : ` (Node ${f.mixedOwnCpuMsPerOp.toFixed(2)})`}`,
  );
  for (const c of f.perCommand)
    console.log(
      `  ${c.name.padEnd(8)} n=${String(c.n).padStart(6)}  p50 ${c.p50.toFixed(1)} ms  p99 ${c.p99.toFixed(1)} ms`,
    );
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
    console.log(`\nmixed workload: Yubin ${(yubin.mixedOps / dovecot.mixedOps).toFixed(2)}× Dovecot's ops/s`);
    console.log(`SELECT: Yubin ${(yubin.selectMs / dovecot.selectMs).toFixed(2)}× Dovecot's time`);
  }
  console.log(`load average after: ${load()}`);
}

await main();
process.exit(0);
