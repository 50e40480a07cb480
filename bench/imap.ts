// IMAP load: Yubin's IMAP server over PostgreSQL (the store adapter, in this
// process, on an embedded PostgreSQL of its own) with a 10,000-message
// mailbox of ~10 KB mixed Japanese/English mail. Reports SELECT, UID FETCH
// 1:* (FLAGS ENVELOPE), SEARCH BODY, body FETCH throughput, and a mixed
// workload of concurrent clients (select, fetch, store, append, expunge,
// idle) with ops/s and p50/p99 per command. A load generator: it reports,
// it never fails on figures.
//
// Usage: npm run bench:imap -- [--messages 10000] [--clients 50] [--seconds 20]
// Not yet here (docs/benchmarks.md): the same workload against Dovecot, and
// memory per idle IDLE connection.

import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startImapServer } from "../mail-daemons/imap/imap-server.ts";
import { storeImapBackend } from "../mail-daemons/imap/store-backend.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { storeMessage } from "../server/mail-store/store-message.ts";
import { createUser } from "../server/users/create-user.ts";
import { testTls } from "../tests/protocol/imap/support/imap-fixture.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
  },
});
const MESSAGES = Number(values.messages);
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const USER = { email: "bench@example.com", password: "bench-password-1" };

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
  private waiting: { tag: string; resolve: (text: string) => void; reject: (e: Error) => void } | null = null;
  private tags = 0;
  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      this.check();
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
    if (!this.waiting) return;
    const marker = `\r\n${this.waiting.tag} `;
    const at = `\r\n${this.buffer}`.indexOf(marker);
    if (at < 0) return;
    const end = this.buffer.indexOf("\r\n", at);
    if (end < 0) return;
    const text = this.buffer.slice(0, end + 2);
    this.buffer = this.buffer.slice(end + 2);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve(text);
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

  async idle(ms: number): Promise<void> {
    const tag = `b${++this.tags}`;
    const done = new Promise<string>((resolve, reject) => {
      this.waiting = { tag, resolve, reject };
    });
    this.socket.write(`${tag} IDLE\r\n`);
    await new Promise((r) => setTimeout(r, ms));
    this.socket.write("DONE\r\n");
    await done;
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

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-imap-"));
  const postgres = await startEmbeddedPostgres(scratch);
  process.env.DATABASE_URL = postgres.url;
  try {
    await applyMigrations(postgres.url);
    await addDomain({ name: "example.com", actorId: null });
    await createUser({ email: USER.email, password: USER.password, actorId: null });
    const { db } = await import("../server/db.ts");
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: USER.email } });
    const seedStart = performance.now();
    for (let n = 1; n <= MESSAGES; n++) {
      await storeMessage({
        raw: benchMail(n),
        mailboxIds: [mailbox.id],
        direction: "inbound",
        flags: n % 3 === 0 ? ["\\Seen"] : [],
      });
      if (n % 1000 === 0) process.stderr.write(`seeded ${n}\n`);
    }
    console.log(`seed: ${MESSAGES} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    await db().$executeRawUnsafe("vacuum analyze");

    const backend = storeImapBackend(postgres.url);
    const server = await startImapServer({
      port: 0,
      host: "127.0.0.1",
      tls: testTls(),
      implicitTls: false,
      backend,
      hostname: "localhost",
      log: () => {},
      allowPlaintextLoginFromLoopback: true,
    });
    const login = async () => {
      const client = await Client.connect(server.port);
      await client.command(`LOGIN ${USER.email} ${USER.password}`);
      return client;
    };

    const single = await login();
    const selects: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [reply, ms] = await timed(() => single.command("SELECT INBOX"));
      if (!/EXISTS/.test(reply)) throw new Error(`SELECT failed: ${reply.slice(0, 200)}`);
      selects.push(ms);
    }
    selects.sort((a, b) => a - b);
    const [envelopes, fetchMs] = await timed(() => single.command("UID FETCH 1:* (FLAGS ENVELOPE)"));
    const [search, searchMs] = await timed(() => single.command("UID SEARCH BODY zanzibar"));
    const hits = (/\* SEARCH([\d ]*)/.exec(search)?.[1] ?? "").trim().split(/\s+/).filter(Boolean).length;
    const [bodies, bodyMs] = await timed(() => single.command("UID FETCH 1:1000 BODY.PEEK[]"));
    console.log(`SELECT ${MESSAGES}: median ${percentile(selects, 0.5).toFixed(1)} ms (min ${selects[0]?.toFixed(1)})`);
    console.log(`UID FETCH 1:* (FLAGS ENVELOPE): ${fetchMs.toFixed(0)} ms, ${(envelopes.length / 1e6).toFixed(1)} MB`);
    console.log(`UID SEARCH BODY (1 in 100 match, ${hits} hits): ${searchMs.toFixed(0)} ms`);
    console.log(`body FETCH 1,000 messages: ${((bodies.length / 1e6 / bodyMs) * 1000).toFixed(1)} MB/s`);
    single.close();

    // The mixed workload: each client logs in, selects, then loops over the commands.
    const latencies = new Map<string, number[]>();
    const record = (name: string, ms: number) => {
      const list = latencies.get(name) ?? [];
      list.push(ms);
      latencies.set(name, list);
    };
    const deadline = Date.now() + SECONDS * 1000;
    let ops = 0;
    const worker = async (index: number) => {
      const [client, loginMs] = await timed(login);
      record("LOGIN", loginMs);
      const [, selectMs] = await timed(() => client.command("SELECT INBOX"));
      record("SELECT", selectMs);
      ops += 2;
      let round = 0;
      while (Date.now() < deadline) {
        round++;
        const uid = 1 + Math.floor(Math.random() * MESSAGES);
        const step = (index + round) % 6;
        let name: string;
        let run: () => Promise<unknown>;
        if (step === 0) [name, run] = ["FETCH", () => client.command(`UID FETCH ${uid} (FLAGS ENVELOPE BODY.PEEK[])`)];
        else if (step === 1) [name, run] = ["STORE", () => client.command(`UID STORE ${uid} +FLAGS (\\Flagged)`)];
        else if (step === 2)
          [name, run] = [
            "APPEND",
            () => client.command("APPEND INBOX (\\Seen)", benchMail(1_000_000 + index * 100_000 + round)),
          ];
        else if (step === 3)
          [name, run] = [
            "EXPUNGE",
            async () => {
              const found = await client.command("UID SEARCH FROM c1000000");
              const target = (/\* SEARCH ([\d]+)/.exec(found) ?? [])[1];
              if (target) {
                await client.command(`UID STORE ${target} +FLAGS.SILENT (\\Deleted)`);
                await client.command(`UID EXPUNGE ${target}`);
              }
            },
          ];
        else if (step === 4) [name, run] = ["IDLE", () => client.idle(50)];
        else [name, run] = ["NOOP", () => client.command("NOOP")];
        const [, ms] = await timed(run);
        record(name, ms);
        ops++;
      }
      await client.command("LOGOUT").catch(() => {});
      client.close();
    };
    const mixedStart = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => worker(i)));
    const elapsed = (performance.now() - mixedStart) / 1000;
    console.log(`mixed, ${CLIENTS} clients, ${elapsed.toFixed(1)} s: ${(ops / elapsed).toFixed(0)} ops/s`);
    for (const [name, list] of latencies) {
      list.sort((a, b) => a - b);
      console.log(
        `  ${name.padEnd(8)} n=${String(list.length).padStart(6)}  p50 ${percentile(list, 0.5).toFixed(1)} ms  p99 ${percentile(list, 0.99).toFixed(1)} ms`,
      );
    }
    await server.close();
    await backend.close();
  } finally {
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
