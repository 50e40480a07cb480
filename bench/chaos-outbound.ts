// Outbound chaos: N messages (1–3 recipients each, on two domains) submitted
// to Yubin (STARTTLS + AUTH) and delivered by MX lookup (a loopback DNS
// server) to a loopback SMTP sink that fails about 30 % of what it is asked:
// 421 and close, a connection dropped before the greeting, 4xx and 5xx at
// RCPT, 4xx and 5xx after DATA, and "abort after DATA" (the message read,
// then the connection closed without a reply). Meanwhile the delivery
// processes (two `yubin start --roles delivery`) are SIGKILLed in turn and
// started again. PostgreSQL and the submission process stay up.
//
// When the queue is empty, every recipient must be delivered (a 250 at the
// sink, counted by Message-ID + recipient) or bounced (a DSN from Yubin in
// the sender's mailbox, counted by the original's Message-ID and
// Final-Recipient), exactly once:
//   lost          neither delivered nor bounced
//   both          delivered and bounced
//   bounced twice two DSNs for one recipient
//   duplicates    a second copy at the sink after a 250 — failures, unless
//                 the process that got that 250 (found by its socket in
//                 /proc) was SIGKILLed: it may have died between the
//                 remote's 250 and its commit, and SMTP is at-least-once
//                 there (RFC 5321 §6.1). Those are counted apart as "after a kill"
//                 (so is a 250 answered into the socket of a process
//                 already killed, and a recipient then bounced by the retry);
//   after a drop  another copy after an abort after DATA: the sink had the
//                 message but the client never heard so, and must send it
//                 again (RFC 5321 §6.1 accepts this duplicate). Counted
//                 apart; not a failure.
//
// Usage: npm run chaos -- outbound [--messages 5000] [--kill-every 5] [--seed 1]
// (or tsx bench/chaos-outbound.ts …; CHAOS_OUTBOUND_MESSAGES, CHAOS_KILL_EVERY)
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import nodemailer from "nodemailer";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { startDnsServer } from "../tests/support/dns-server.ts";
import { seededRandom } from "../tests/support/seeded-random.ts";
import { type SinkMessage, startSmtpSink } from "../tests/support/smtp-sink.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../tests/support/yubin-process.ts";
import { numberOption, printResult } from "./chaos-messages.ts";
import { machineInfo } from "./proc-stats.ts";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", short: "n" },
    "kill-every": { type: "string" },
    seed: { type: "string" },
    "fail-share": { type: "string" },
  },
});
const TOTAL = numberOption(args.messages, "CHAOS_OUTBOUND_MESSAGES", 5000);
const KILL_EVERY_MS = numberOption(args["kill-every"], "CHAOS_KILL_EVERY", 5) * 1000;
const SEED = Number(args.seed ?? 1);
const FAIL = Number(args["fail-share"] ?? 0.3);
const TAG = `out-${Date.now().toString(36)}`;
const PASSWORD = "chaos-outbound-password";
const next = seededRandom(SEED);

const recipientsOf = (i: number): string[] =>
  [`m${i}-a@sink.test`, `m${i}-b@sink.test`, `m${i}-c@other.test`].slice(0, 1 + (i % 3));

function messageFor(i: number): Buffer {
  const size = 1024 + Math.floor(next() * 9 * 1024);
  return Buffer.from(
    [
      "From: Admin <admin@example.com>",
      `To: ${recipientsOf(i).join(", ")}`,
      `Subject: Outbound chaos ${i}`,
      `Message-ID: <${TAG}-${i}@example.com>`,
      "Date: Fri, 04 Dec 2026 10:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Message ${i}. ${"Lorem ipsum dolor sit amet. ".repeat(Math.ceil(size / 28))}`,
      "",
    ].join("\r\n"),
  );
}

// ---------------------------------------------------------------- the failing sink

/** What the sink saw, by "index recipient"; `pid`: the Yubin process that sent it. */
interface Copy {
  at: number;
  acked: boolean;
  pid: number | null;
}

/** The local process whose socket has local port `port` and talks to the sink (/proc/net/tcp, then its fds). */
function senderPid(port: number, candidates: number[]): number | null {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const sinkHex = sinkPort.toString(16).toUpperCase().padStart(4, "0");
  let inode = "";
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`) && f[2]?.endsWith(`:${sinkHex}`)) inode = f[9] ?? "";
    }
  }
  if (!inode) return null;
  for (const pid of candidates) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      }
    } catch {}
  }
  return null;
}
const copies = new Map<string, Copy[]>();
const outcomes: Record<string, number> = {};
const note = (what: string) => {
  outcomes[what] = (outcomes[what] ?? 0) + 1;
};
const indexOf = (raw: Buffer): number | null => {
  const m = new RegExp(`Message-ID: <${TAG}-(\\d+)@`).exec(raw.subarray(0, 4096).toString("latin1"));
  return m ? Number(m[1]) : null;
};

let unattributed = 0;
const killedPids = new Set<number>();
/** The two delivery processes (replaced when killed). */
const delivery: YubinProcess[] = [];
const deliveryPids = (): number[] => delivery.map((p) => p.child.pid as number);
const sinkPort = await freePort();
const sink = await startSmtpSink({ host: "127.0.0.1", port: sinkPort, tls: false });
// The shares add up to about FAIL of the connections or transactions.
sink.behavior = {
  connect: () => {
    const r = next();
    if (r < FAIL * 0.15) {
      note("421 and close");
      return { code: 421, message: "4.3.2 Service shutting down, closing channel" };
    }
    if (r < FAIL * 0.3) {
      note("connection dropped");
      return "drop";
    }
    return null;
  },
  rcpt: () => {
    const r = next();
    if (r < FAIL * 0.15) {
      note("RCPT 451");
      return { code: 451, message: "4.3.0 Try again later" };
    }
    if (r < FAIL * 0.25) {
      note("RCPT 550");
      return { code: 550, message: "5.1.1 No such user here" };
    }
    return null;
  },
  data: (message: SinkMessage) => {
    const i = indexOf(message.raw);
    const r = next();
    const outcome =
      r < FAIL * 0.15
        ? ({ code: 451, message: "4.3.0 Local error in processing" } as const)
        : r < FAIL * 0.25
          ? ({ code: 554, message: "5.6.0 Message refused" } as const)
          : r < FAIL * 0.4
            ? ("drop" as const)
            : null;
    note(outcome === null ? "250" : outcome === "drop" ? "abort after DATA" : `DATA ${outcome.code}`);
    const pid = outcome === null ? senderPid(message.remotePort, deliveryPids()) : null;
    if (outcome === null && pid === null) unattributed++;
    if (i !== null && (outcome === null || outcome === "drop")) {
      for (const rcpt of message.rcptTo) {
        const key = `${i} ${rcpt.toLowerCase()}`;
        copies.set(key, [...(copies.get(key) ?? []), { at: Date.now(), acked: outcome === null, pid }]);
      }
    }
    return outcome;
  },
};

// ---------------------------------------------------------------- Yubin

const root = mkdtempSync(path.join(os.tmpdir(), "yubin-chaos-out-"));
chmodSync(root, 0o711);
const postgres = await startEmbeddedPostgres(path.join(root, "pg-data"));
const dns = await startDnsServer({
  "sink.test": [{ type: "MX", preference: 10, exchange: "mx.sink.test" }],
  "other.test": [{ type: "MX", preference: 10, exchange: "mx.sink.test" }],
  "mx.sink.test": [{ type: "A", address: "127.0.0.1" }],
});
const submissionPort = await freePort();
const dataDir = path.join(root, "yubin-data");
const env = {
  DATABASE_URL: postgres.url,
  YUBIN_HOSTNAME: "mail.example.com",
  YUBIN_ADMIN_EMAIL: "admin@example.com",
  YUBIN_ADMIN_PASSWORD: PASSWORD,
  YUBIN_SUBMISSION_PORT: String(submissionPort),
  YUBIN_DNS_SERVERS: dns.address,
  YUBIN_SMTP_OUTBOUND_PORT: String(sinkPort),
  // Retries within seconds, a killed worker's jobs back after its lease, no "delayed" DSNs.
  YUBIN_QUEUE_RETRY_MIN_SECONDS: "1",
  YUBIN_QUEUE_RETRY_MAX_SECONDS: "3",
  YUBIN_DELIVERY_LEASE_SECONDS: "20",
  YUBIN_QUEUE_DELAY_NOTICE_SECONDS: "0",
  YUBIN_DELIVERY_POLL_MS: "250",
};
const submission = await startYubinProcess({ roles: "mail", env, dataDir, timeoutMs: 180_000 });
const startDelivery = () =>
  startYubinProcess({ roles: "delivery", env: { ...env, YUBIN_HTTP_PORT: "0" }, dataDir, timeoutMs: 180_000 });
delivery.push(await startDelivery(), await startDelivery());

console.log(
  `chaos outbound: ${TOTAL} messages (${Array.from({ length: TOTAL }, (_, i) => recipientsOf(i).length).reduce((a, b) => a + b, 0)} recipients), ` +
    `sink failing ~${Math.round(FAIL * 100)} %, SIGKILL of a delivery process (of 2) every ${KILL_EVERY_MS / 1000} s, seed ${SEED}`,
);

// ---------------------------------------------------------------- load, kills, drain

const kills: number[] = [];
let done = false;
let restartMs = 0;
async function killer(): Promise<void> {
  let which = 0;
  while (!done) {
    await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
    if (done) return;
    which = (which + 1) % 2;
    const victim = delivery[which] as YubinProcess;
    killedPids.add(victim.child.pid as number);
    await victim.stop("SIGKILL");
    kills.push(Date.now());
    const t = performance.now();
    delivery[which] = await startDelivery();
    restartMs += performance.now() - t;
  }
}

const started = performance.now();
const killing = killer();
const transport = nodemailer.createTransport({
  host: "127.0.0.1",
  port: submissionPort,
  pool: true,
  maxConnections: 10,
  maxMessages: Number.POSITIVE_INFINITY,
  auth: { user: "admin@example.com", pass: PASSWORD },
  tls: { rejectUnauthorized: false },
});
await Promise.all(
  Array.from({ length: TOTAL }, (_, i) =>
    transport.sendMail({ envelope: { from: "admin@example.com", to: recipientsOf(i) }, raw: messageFor(i) }),
  ),
);
transport.close();
const submittedSeconds = (performance.now() - started) / 1000;
console.log(`  ${TOTAL} submitted in ${submittedSeconds.toFixed(1)} s`);

const client = new pg.Client({ connectionString: postgres.url });
await client.connect();
for (;;) {
  const { rows } = await client.query<{ open: number; total: number }>(
    `select count(*) filter (where state in ('queued', 'deferred'))::int as open, count(*)::int as total from "DeliveryJob"`,
  );
  const { open = 1, total = 0 } = rows[0] ?? {};
  if (open === 0 && total > 0) break;
  if (performance.now() - started > 60 * 60_000) throw new Error(`${open} jobs still open after an hour`);
  console.log(
    `  ${open}/${total} jobs open, ${kills.length} kills, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  await new Promise((r) => setTimeout(r, 5000));
}
done = true;
await killing;
const seconds = (performance.now() - started) / 1000;

// ---------------------------------------------------------------- bounces (DSNs in the sender's mailbox)

const bounces = new Map<string, number>();
const { rows: dsns } = await client.query<{ bytes: Buffer }>(
  `select b.bytes from "Message" m join "Blob" b on b.sha256 = m."blobSha256"
   join "Mailbox" x on x.id = m."mailboxId"
   where x.address = 'admin@example.com' and m.subject = 'Undelivered Mail Returned to Sender'`,
);
for (const { bytes } of dsns) {
  const text = bytes.toString("latin1");
  const i = new RegExp(`In-Reply-To: <${TAG}-(\\d+)@`).exec(text)?.[1];
  if (i === undefined) continue;
  for (const block of text.split(/\r\n\r\n/)) {
    const rcpt = /Final-Recipient: rfc822; (\S+)/.exec(block)?.[1];
    if (rcpt && /Action: failed/.test(block)) {
      const key = `${i} ${rcpt.toLowerCase()}`;
      bounces.set(key, (bounces.get(key) ?? 0) + 1);
    }
  }
}
const { rows: states } = await client.query<{ state: string; n: number }>(
  `select state, count(*)::int as n from "DeliveryJob" group by state order by state`,
);
await client.end();

// ---------------------------------------------------------------- every recipient exactly once

let recipients = 0;
let delivered = 0;
let bounced = 0;
let lost = 0;
let both = 0;
let bouncedTwice = 0;
let duplicates = 0;
let duplicatesAfterKill = 0;
let extraAfterDrop = 0;
let bothAfterKill = 0;
const examples: string[] = [];
// A 250 that Yubin may never have recorded: its sender was SIGKILLed later,
// or was already gone when the sink answered (no live process owned the
// socket) with a kill within 5 s — the answer went into a dead connection.
const mayNotHaveHeard = (c: Copy) =>
  c.pid !== null ? killedPids.has(c.pid) : kills.some((t) => Math.abs(t - c.at) <= 5000);
for (let i = 0; i < TOTAL; i++) {
  for (const rcpt of recipientsOf(i)) {
    recipients++;
    const key = `${i} ${rcpt}`;
    const seen = copies.get(key) ?? [];
    const acked = seen.filter((c) => c.acked);
    const b = bounces.get(key) ?? 0;
    if (acked.length > 0) delivered++;
    if (b > 0) bounced++;
    if (acked.length === 0 && b === 0) {
      lost++;
      if (examples.length < 5) examples.push(`lost: ${key} (${seen.length} unacknowledged copies)`);
    }
    if (acked.length > 0 && b > 0) {
      if (acked.every((c) => mayNotHaveHeard(c))) bothAfterKill++;
      else {
        both++;
        if (examples.length < 5) examples.push(`delivered and bounced: ${key}`);
      }
    }
    if (b > 1) bouncedTwice++;
    // Every copy after the first: explained by a drop before it, or by a kill just after a 250 before it.
    for (let k = 1; k < seen.length; k++) {
      const earlier = seen.slice(0, k);
      const previous = earlier.at(-1) as Copy;
      if (!previous.acked) extraAfterDrop++;
      else if (mayNotHaveHeard(previous)) duplicatesAfterKill++;
      else {
        duplicates++;
        if (examples.length < 5) examples.push(`duplicate after a 250: ${key}`);
      }
    }
  }
}

await submission.stop();
for (const p of delivery) await p.stop();
await sink.close();
await dns.close();
await postgres.stop();
rmSync(root, { recursive: true, force: true });

const machine = machineInfo();
console.log(
  `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `queue drained in ${seconds.toFixed(1)} s (submission ${submittedSeconds.toFixed(1)} s); ${kills.length} SIGKILLs of a delivery process ` +
    `(restart to ready ${(restartMs / Math.max(kills.length, 1) / 1000).toFixed(1)} s on average); jobs: ${states.map((s) => `${s.state} ${s.n}`).join(", ")}`,
);
console.log(
  `sink: ${Object.entries(outcomes)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")}`,
);
console.log(
  `recipients ${recipients}: delivered ${delivered}, bounced ${bounced}; lost ${lost}, delivered and bounced ${both}, ` +
    `bounced twice ${bouncedTwice}, duplicates after a 250 ${duplicates}; ` +
    `explained: extra copies after an abort after DATA ${extraAfterDrop}, after a 250 to a process then killed ${duplicatesAfterKill}; ` +
    `delivered and then bounced after such a 250 ${bothAfterKill}`,
);
for (const e of examples) console.log(`  ${e}`);
if (unattributed > 0) console.log(`  ${unattributed} copies answered 250 whose sending process could not be found`);
const ok = lost === 0 && both === 0 && bouncedTwice === 0 && duplicates === 0 && kills.length > 0;
console.log(ok ? "chaos: PASS" : "chaos: FAIL");
printResult({
  scenario: "outbound",
  ok,
  figures: {
    messages: TOTAL,
    recipients,
    seconds: Number(seconds.toFixed(1)),
    kills: kills.length,
    delivered,
    bounced,
    lost,
    "delivered+bounced": both,
    "bounced twice": bouncedTwice,
    "dup after 250": duplicates,
    "extra after drop (§6.1)": extraAfterDrop,
    "extra after kill": duplicatesAfterKill,
    "delivered+bounced after kill": bothAfterKill,
  },
});
process.exit(ok ? 0 : 1);
