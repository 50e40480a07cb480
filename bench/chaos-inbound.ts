// Inbound chaos: N messages of 1–100 KB over S SMTP sessions into Yubin's
// MX while a fault strikes every few seconds:
//   --fault mail      the mail process is SIGKILLed and started again
//                     (PostgreSQL runs on its own, started here);
//   --fault postgres  PostgreSQL is stopped immediately (SIGQUIT to the
//                     postmaster, which is what `pg_ctl stop -m immediate`
//                     sends: no checkpoint, crash recovery at the next start)
//                     and started again on the same port; the mail process
//                     is not touched and must answer 4xx, never 250, meanwhile;
//   --fault stack     the whole stack is SIGKILLed: `yubin start` with its
//                     embedded PostgreSQL (the postmaster and every backend),
//                     then `yubin start` again on the same data dir.
// Senders behave as MTAs do: a message whose DATA got no 250 is sent again.
// Afterwards every acknowledged message is looked up in the store by its
// Message-ID and compared with what was sent (SHA-256):
//   lost       acknowledged (250) but not in the store
//   duplicated in the store more than once
//   truncated  stored bytes that do not end with exactly the client's bytes
// and the mailbox's counters are compared with its rows. Exit 1 when any of
// these is not 0. "Nothing acknowledged is lost" (DESIGN.md).
//
// Usage: npm run bench:chaos -- [--fault mail|postgres|stack] [--messages 2000]
//   [--sessions 20] [--kill-every 5] [--down 1] [--seed 1]
// (CHAOS_MESSAGES, CHAOS_SESSIONS, CHAOS_KILL_EVERY in the environment work too.)
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../server/db/embedded.ts";
import { type ResendState, sendUntilAcked } from "../tests/support/send-until-acked.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../tests/support/yubin-process.ts";
import { chaosMessage, numberOption, printResult, sha256 } from "./chaos-messages.ts";
import { startDnsStub } from "./dns-stub.ts";
import { descendants, machineInfo } from "./proc-stats.ts";

const { values: args } = parseArgs({
  options: {
    fault: { type: "string" },
    messages: { type: "string", short: "n" },
    sessions: { type: "string", short: "c" },
    "kill-every": { type: "string" },
    down: { type: "string" },
    seed: { type: "string" },
  },
});
const FAULT = args.fault ?? "mail";
if (!["mail", "postgres", "stack"].includes(FAULT)) throw new Error(`--fault: mail, postgres or stack, not ${FAULT}`);
const TOTAL = numberOption(args.messages, "CHAOS_MESSAGES", 2000);
const SESSIONS = numberOption(args.sessions, "CHAOS_SESSIONS", 20);
const KILL_EVERY_MS = numberOption(args["kill-every"], "CHAOS_KILL_EVERY", 5) * 1000;
const DOWN_MS = Number(args.down ?? 1) * 1000;
const SEED = Number(args.seed ?? 1);
const TAG = `chaos-${FAULT}-${Date.now().toString(36)}`;
const message = (i: number) => chaosMessage(TAG, SEED, i);

// ---------------------------------------------------------------- Yubin and its database

const root = mkdtempSync(path.join(os.tmpdir(), "yubin-chaos-"));
// As root, the embedded PostgreSQL runs as another user, who must reach its data dir.
chmodSync(root, 0o711);
const dataDir = path.join(root, "yubin-data");
const pgDir = FAULT === "stack" ? dataDir : path.join(root, "pg-data");
let postgres: EmbeddedPostgres | null = FAULT === "stack" ? null : await startEmbeddedPostgres(pgDir);
const pgPort = postgres?.port;
const dns = await startDnsStub();
const smtpPort = await freePort();
const env: Record<string, string> = {
  ...(postgres ? { DATABASE_URL: postgres.url } : {}),
  YUBIN_SMTP_PORT: String(smtpPort),
  YUBIN_HOSTNAME: "mx.example.com",
  YUBIN_DNS_SERVERS: dns.server,
  YUBIN_ADMIN_EMAIL: "admin@example.com",
  YUBIN_ADMIN_PASSWORD: "chaos-bench-password",
};
const start = () => startYubinProcess({ roles: "mail", env, dataDir, timeoutMs: 180_000 });
let yubin: YubinProcess = await start();

const faultText = {
  mail: "SIGKILL of the mail process",
  postgres: `immediate stop of PostgreSQL (SIGQUIT = pg_ctl stop -m immediate), down ${DOWN_MS / 1000} s`,
  stack: "SIGKILL of the whole stack (yubin start + embedded PostgreSQL)",
}[FAULT];
console.log(
  `chaos inbound: ${TOTAL} messages (1–100 KiB), ${SESSIONS} sessions, ${faultText} every ${KILL_EVERY_MS / 1000} s, seed ${SEED}`,
);

// ---------------------------------------------------------------- faults

const postmasterPid = (): number | null => {
  const file = path.join(pgDir, "pg", "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return pid > 0 ? pid : null;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`processes did not end: ${pids.filter(alive).join(" ")}`);
    await sleep(20);
  }
}

async function restartYubin(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      yubin = await start();
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`restart ${attempt} failed, again: ${String(e).split("\n")[0]}`);
      await sleep(1000);
    }
  }
}

async function fault(): Promise<void> {
  if (FAULT === "mail") {
    await yubin.stop("SIGKILL");
    await restartYubin();
  } else if (FAULT === "postgres") {
    const pid = postmasterPid();
    if (!pid) throw new Error("no postmaster.pid");
    const family = descendants([pid]);
    process.kill(pid, "SIGQUIT");
    await waitGone(family);
    await sleep(DOWN_MS);
    postgres = await startEmbeddedPostgres(pgDir, { port: pgPort });
  } else {
    const pg = postmasterPid();
    const family = descendants([yubin.child.pid as number, ...(pg && alive(pg) ? [pg] : [])]);
    for (const pid of family) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
    await waitGone(family);
    await restartYubin();
  }
}

// ---------------------------------------------------------------- load and faults

const queue = Array.from({ length: TOTAL }, (_, i) => i);
const acked = new Set<number>();
let faults = 0;
let unexpectedExits = 0;
let recoverMs = 0;
let restarting: Promise<void> | null = null;
let done = false;
const started = performance.now();

const sending: ResendState = {
  port: smtpPort,
  ehlo: "chaos.example",
  total: TOTAL,
  queue,
  acked,
  message,
  // While PostgreSQL is down the senders keep going: the MX must refuse with 4xx, not 250.
  restarting: () => restarting,
  resent: 0,
  replyTimeoutMs: 30_000,
};

async function faulter(): Promise<void> {
  let last = performance.now();
  while (!done) {
    await sleep(200);
    if (done) return;
    if (yubin.child.exitCode !== null || yubin.child.signalCode !== null) {
      // The mail process ended by itself (e.g. when its database vanished): note it, start it again.
      unexpectedExits++;
      console.error(`the mail process exited by itself:\n${yubin.output().split("\n").slice(-15).join("\n")}`);
      restarting = restartYubin();
      await restarting;
      restarting = null;
      continue;
    }
    // The first fault strikes once a tenth of the messages is in (or after T), so that a
    // quick run on a fast machine cannot finish before any fault and prove nothing.
    const early = faults === 0 && acked.size >= Math.ceil(TOTAL / 10);
    if (!early && performance.now() - last < KILL_EVERY_MS) continue;
    faults++;
    const t = performance.now();
    const work = fault();
    if (FAULT !== "postgres") restarting = work;
    await work;
    restarting = null;
    recoverMs += performance.now() - t;
    last = performance.now();
  }
}

const faulting = faulter();
let lastReport = 0;
const progress = setInterval(() => {
  if (acked.size - lastReport >= Math.max(100, TOTAL / 20)) {
    lastReport = acked.size;
    console.log(
      `  ${acked.size}/${TOTAL} acknowledged, ${faults} faults, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}, 2000);
await Promise.all(Array.from({ length: SESSIONS }, () => sendUntilAcked(sending)));
done = true;
clearInterval(progress);
await faulting;
const seconds = (performance.now() - started) / 1000;

// ---------------------------------------------------------------- what the store holds

if (FAULT === "stack") {
  await yubin.stop();
  postgres = await startEmbeddedPostgres(dataDir);
}
process.env.DATABASE_URL = (postgres as EmbeddedPostgres).url;
const { db } = await import("../server/db.ts");
const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
const copies = new Map<number, number>();
let truncated = 0;
let rows = 0;
let totalBytes = 0;
const idPattern = new RegExp(`^${TAG}-(\\d+)@`);
for (let cursor = 0; ; ) {
  const batch = await db().message.findMany({
    where: { mailboxId: mailbox.id, messageIdHeader: { startsWith: `${TAG}-` }, id: { gt: cursor } },
    select: { id: true, messageIdHeader: true, blob: { select: { bytes: true } } },
    orderBy: { id: "asc" },
    take: 200,
  });
  if (batch.length === 0) break;
  cursor = (batch.at(-1) as { id: number }).id;
  for (const row of batch) {
    rows++;
    const i = Number(idPattern.exec(row.messageIdHeader as string)?.[1]);
    copies.set(i, (copies.get(i) ?? 0) + 1);
    const sent = message(i);
    const stored = Buffer.from(row.blob.bytes);
    totalBytes += sent.length;
    // Stored = our trace fields, then exactly the client's bytes.
    if (sha256(stored.subarray(stored.length - sent.length)) !== sha256(sent)) truncated++;
  }
}
let lost = 0;
let duplicated = 0;
for (const i of acked) {
  const n = copies.get(i) ?? 0;
  if (n === 0) lost++;
  if (n > 1) duplicated++;
}
const unacknowledgedStored = [...copies.keys()].filter((i) => !acked.has(i)).length;
const all = await db().message.aggregate({ where: { mailboxId: mailbox.id }, _count: true, _sum: { size: true } });
const fresh = await db().mailbox.findUniqueOrThrow({ where: { id: mailbox.id } });
const countersExact = fresh.usedMessages === all._count && Number(fresh.usedBytes) === (all._sum.size ?? 0);

if (FAULT !== "stack") await yubin.stop();
await db().$disconnect?.();
await (postgres as EmbeddedPostgres).stop();
await dns.close();
rmSync(root, { recursive: true, force: true });

const machine = machineInfo();
console.log(
  `machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `sent: ${acked.size}/${TOTAL} acknowledged (${(totalBytes / 2 ** 20).toFixed(1)} MiB stored) in ${seconds.toFixed(1)} s ` +
    `(${(acked.size / seconds).toFixed(1)} msg/s with the faults), ${faults} faults (recovery ${(recoverMs / Math.max(faults, 1) / 1000).toFixed(1)} s on average), ` +
    `${unexpectedExits} exits of the mail process by itself, ${sending.resent} messages sent again`,
);
console.log(
  `store: ${rows} rows; lost ${lost}, duplicated ${duplicated}, truncated ${truncated}; ` +
    `stored without a 250 ${unacknowledgedStored}; mailbox counters ${countersExact ? "exact" : "WRONG"}`,
);
const ok = lost === 0 && duplicated === 0 && truncated === 0 && countersExact && acked.size === TOTAL && faults > 0;
console.log(ok ? "chaos: PASS" : "chaos: FAIL");
printResult({
  scenario: `inbound, ${FAULT}`,
  ok,
  figures: {
    messages: `${acked.size}/${TOTAL}`,
    MiB: Number((totalBytes / 2 ** 20).toFixed(1)),
    seconds: Number(seconds.toFixed(1)),
    faults,
    "self-exits": unexpectedExits,
    resent: sending.resent,
    lost,
    duplicated,
    truncated,
    "stored unacked": unacknowledgedStored,
    counters: countersExact ? "exact" : "WRONG",
  },
});
process.exit(ok ? 0 : 1);
