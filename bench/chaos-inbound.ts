// Inbound chaos: N messages of 1–100 KB over S SMTP sessions into Yubin's
// MX while the mail process is SIGKILLed every few seconds and restarted.
// Senders behave as MTAs do: a message whose DATA got no 250 is sent again.
// Afterwards every acknowledged message is looked up in the store by its
// Message-ID and compared byte for byte with what was sent:
//   lost       acknowledged (250) but not in the store
//   duplicated in the store more than once
//   truncated  stored bytes that do not end with exactly the client's bytes
// and the mailbox's counters are compared with its rows. Exit 1 when any of
// these is not 0. PostgreSQL runs on its own (an embedded server started
// here), so only the mail process dies: "nothing acknowledged is lost"
// (DESIGN.md) is about what the process had committed before its 250.
//
// Usage: npm run bench:chaos -- [--messages 2000] [--sessions 20] [--kill-every 5] [--seed 1]
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { type ResendState, sendUntilAcked } from "../tests/support/send-until-acked.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../tests/support/yubin-process.ts";
import { startDnsStub } from "./dns-stub.ts";
import { machineInfo } from "./proc-stats.ts";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", short: "n" },
    sessions: { type: "string", short: "c" },
    "kill-every": { type: "string" },
    seed: { type: "string" },
  },
});
const TOTAL = Number(args.messages ?? 2000);
const SESSIONS = Number(args.sessions ?? 20);
const KILL_EVERY_MS = Number(args["kill-every"] ?? 5) * 1000;
const SEED = Number(args.seed ?? 1);
const RUN = Date.now().toString(36);

// ---------------------------------------------------------------- messages

/** A small deterministic generator (mulberry32), so a run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(SEED);
const WORDS = ["請求書", "invoice", "再発行", "order", "お願い", "shipping", "Lorem", "ipsum", "ｶﾀｶﾅ", "①"];

function messageFor(i: number): Buffer {
  const target = 1024 + Math.floor(next() * 99 * 1024);
  const head = [
    `From: Customer ${i} <c${i}@customer.example>`,
    "To: support@example.com",
    `Subject: Chaos ${i}`,
    `Message-ID: <chaos-${RUN}-${i}@customer.example>`,
    "Date: Fri, 04 Dec 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "",
  ].join("\r\n");
  const lines: string[] = [];
  let size = Buffer.byteLength(head);
  while (size < target) {
    const words = Array.from({ length: 8 }, () => WORDS[Math.floor(next() * WORDS.length)]);
    // No line starts with ".": the client sends bytes as they are, without dot-stuffing.
    const line = `${i}: ${words.join(" ")}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  return Buffer.from(`${head}${lines.join("\r\n")}\r\n`);
}

const messages = Array.from({ length: TOTAL }, (_, i) => messageFor(i));
const totalBytes = messages.reduce((sum, m) => sum + m.length, 0);

// ---------------------------------------------------------------- Yubin and its database

const root = mkdtempSync(path.join(os.tmpdir(), "yubin-chaos-"));
// As root, the embedded PostgreSQL runs as another user, who must reach its data dir.
chmodSync(root, 0o711);
const postgres = await startEmbeddedPostgres(path.join(root, "pg-data"));
const dns = await startDnsStub();
const smtpPort = await freePort();
const env = {
  DATABASE_URL: postgres.url,
  YUBIN_SMTP_PORT: String(smtpPort),
  YUBIN_HOSTNAME: "mx.example.com",
  YUBIN_DNS_SERVERS: dns.server,
  YUBIN_ADMIN_EMAIL: "admin@example.com",
  YUBIN_ADMIN_PASSWORD: "chaos-bench-password",
};
const dataDir = path.join(root, "yubin-data");
const start = () => startYubinProcess({ roles: "mail", env, dataDir });
let yubin: YubinProcess = await start();

console.log(
  `chaos: ${TOTAL} messages (${(totalBytes / 2 ** 20).toFixed(1)} MiB, 1–100 KiB), ${SESSIONS} sessions, ` +
    `SIGKILL of the mail process every ${KILL_EVERY_MS / 1000} s, seed ${SEED}`,
);

// ---------------------------------------------------------------- load and kills

const queue = Array.from({ length: TOTAL }, (_, i) => i);
const acked = new Set<number>();
let kills = 0;
let restartMs = 0;
let restarting: Promise<void> | null = null;
let done = false;
const started = performance.now();

const sending: ResendState = {
  port: smtpPort,
  ehlo: "chaos.example",
  total: TOTAL,
  queue,
  acked,
  message: (i) => messages[i] as Buffer,
  restarting: () => restarting,
  resent: 0,
  replyTimeoutMs: 30_000,
};

async function killer(): Promise<void> {
  while (!done) {
    await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
    if (done) return;
    kills++;
    restarting = (async () => {
      await yubin.stop("SIGKILL");
      const t = performance.now();
      yubin = await start();
      restartMs += performance.now() - t;
    })();
    await restarting;
    restarting = null;
  }
}

const killing = killer();
await Promise.all(Array.from({ length: SESSIONS }, () => sendUntilAcked(sending)));
done = true;
await killing;
const seconds = (performance.now() - started) / 1000;

// ---------------------------------------------------------------- what the store holds

process.env.DATABASE_URL = postgres.url;
const { db } = await import("../server/db.ts");
const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
const rows = await db().message.findMany({
  where: { mailboxId: mailbox.id, messageIdHeader: { startsWith: `chaos-${RUN}-` } },
  select: { messageIdHeader: true, blob: { select: { bytes: true } } },
});
const stored = new Map<number, Buffer[]>();
for (const row of rows) {
  const i = Number(new RegExp(`^chaos-${RUN}-(\\d+)@`).exec(row.messageIdHeader as string)?.[1]);
  stored.set(i, [...(stored.get(i) ?? []), Buffer.from(row.blob.bytes)]);
}
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let lost = 0;
let duplicated = 0;
let truncated = 0;
for (const i of acked) {
  const copies = stored.get(i) ?? [];
  if (copies.length === 0) lost++;
  if (copies.length > 1) duplicated++;
  const sent = messages[i] as Buffer;
  // Stored = our trace fields, then exactly the client's bytes.
  for (const copy of copies) if (sha(copy.subarray(copy.length - sent.length)) !== sha(sent)) truncated++;
}
const unacknowledgedStored = [...stored.keys()].filter((i) => !acked.has(i)).length;
const all = await db().message.aggregate({ where: { mailboxId: mailbox.id }, _count: true, _sum: { size: true } });
const fresh = await db().mailbox.findUniqueOrThrow({ where: { id: mailbox.id } });
const countersExact = fresh.usedMessages === all._count && Number(fresh.usedBytes) === (all._sum.size ?? 0);

await yubin.stop();
await db().$disconnect?.();
await postgres.stop();
await dns.close();
rmSync(root, { recursive: true, force: true });

const machine = machineInfo();
console.log(`machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
console.log(
  `sent: ${acked.size}/${TOTAL} acknowledged in ${seconds.toFixed(1)} s (${(acked.size / seconds).toFixed(1)} msg/s with the kills), ` +
    `${kills} SIGKILLs (restart to ready ${(restartMs / Math.max(kills, 1) / 1000).toFixed(1)} s on average), ${sending.resent} messages sent again`,
);
console.log(
  `store: ${rows.length} rows; lost ${lost}, duplicated ${duplicated}, truncated ${truncated}; ` +
    `stored without a 250 ${unacknowledgedStored}; mailbox counters ${countersExact ? "exact" : "WRONG"}`,
);
const ok = lost === 0 && duplicated === 0 && truncated === 0 && countersExact && acked.size === TOTAL && kills > 0;
console.log(ok ? "chaos: PASS" : "chaos: FAIL");
process.exit(ok ? 0 : 1);
