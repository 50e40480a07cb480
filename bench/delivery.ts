// npm run bench:delivery — outbound mail end to end: N messages submitted
// (STARTTLS + AUTH, C reused connections) to `yubin start --roles
// mail,delivery` on a fresh embedded PostgreSQL, delivered by MX lookup
// (loopback DNS) to a loopback sink; messages/s = N ÷ (first submission →
// the sink holding all N). Then the same load through a Postfix relay on a
// loopback high port to the same sink, and the ratio.
// Usage: tsx bench/delivery.ts [N=5000] [CONCURRENCY=10]
// BENCH_YUBIN_NODE_OPTIONS="--import ./bench/cpu-profile.mjs" BENCH_CPU_PROFILE_DIR=/tmp/prof
// profiles the Yubin process under this load (bench/cpu-profile.mjs).
// CPU of every side is read from /proc; a run where other processes used
// more than 10% of the machine is marked DISTURBED (as bench/smtp-load.ts does).
import { readFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { startDnsServer } from "../tests/support/dns-server.ts";
import { type SmtpSink, startSmtpSink } from "../tests/support/smtp-sink.ts";
import { freePort, startYubinProcess } from "../tests/support/yubin-process.ts";
import { postfixAvailable, startPostfixRelay } from "./delivery-postfix.ts";
import { busyShare, cpuSample, cpuSeconds, descendants, machineInfo, machineTicks } from "./proc-stats.ts";

const N = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 10);
const PASSWORD = "bench-password-123";

function body(i: number): string {
  return `Message ${i} of the delivery benchmark.\n${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(60)}\n`;
}

interface PushResult {
  accepted: number;
  acceptSeconds: number;
  endToEndSeconds: number;
  /** CPU seconds of the server side (Yubin + its PostgreSQL, or Postfix's processes). */
  serverCpu: number;
  /** CPU seconds of this process: the load generator, the sink and the DNS server. */
  generatorCpu: number;
  /** CPU seconds the machine spent on anything else (other users of the machine). */
  otherCpu: number;
}

const machine = machineInfo();

async function push(
  label: string,
  transport: nodemailer.Transporter,
  sink: SmtpSink,
  from: string,
  serverPids: () => number[],
  reaped: boolean,
): Promise<PushResult> {
  const before = sink.messages.length;
  const cpuBefore = cpuSample(serverPids(), reaped);
  const generatorBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const start = performance.now();
  let acceptedAt = 0;
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      transport.sendMail({ from, to: `user${i % 100}@sink.test`, subject: `${label} ${i}`, text: body(i) }),
    ),
  );
  acceptedAt = performance.now();
  while (sink.messages.length - before < N) {
    if (performance.now() - start > 30 * 60_000)
      throw new Error(`${label}: only ${sink.messages.length - before} of ${N} arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const end = performance.now();
  const serverCpu = cpuSeconds(cpuBefore, cpuSample(serverPids(), reaped));
  const generator = process.cpuUsage(generatorBefore);
  const generatorCpu = (generator.user + generator.system) / 1e6;
  const endToEndSeconds = (end - start) / 1000;
  const busy = busyShare(machineBefore, machineTicks());
  const otherCpu = Math.max(0, busy * machine.cpus * endToEndSeconds - serverCpu - generatorCpu);
  transport.close();
  return {
    accepted: N,
    acceptSeconds: (acceptedAt - start) / 1000,
    endToEndSeconds,
    serverCpu,
    generatorCpu,
    otherCpu,
  };
}

const disturbed = (r: PushResult) => r.otherCpu > 0.1 * machine.cpus * r.endToEndSeconds;

const report = (label: string, r: PushResult) =>
  console.log(
    `${label.padEnd(8)} accepted ${(N / r.acceptSeconds).toFixed(0).padStart(5)} msg/s   ` +
      `end to end ${(N / r.endToEndSeconds).toFixed(0).padStart(5)} msg/s   (${r.endToEndSeconds.toFixed(1)} s)   ` +
      `CPU: server ${((1000 * r.serverCpu) / N).toFixed(2)} ms/msg, generator+sink ${((1000 * r.generatorCpu) / N).toFixed(2)} ms/msg, ` +
      `other processes ${r.otherCpu.toFixed(1)} s${disturbed(r) ? "   DISTURBED" : ""}`,
  );

/** The embedded PostgreSQL's postmaster pid (its backends are its children). */
function postgresPid(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
}

const sinkPort = await freePort();
const sink = await startSmtpSink({ host: "127.0.0.1", port: sinkPort });
const dns = await startDnsServer({
  "sink.test": [{ type: "MX", preference: 10, exchange: "mx.sink.test" }],
  "mx.sink.test": [{ type: "A", address: "127.0.0.1" }],
});
const submissionPort = await freePort();
console.log(`bench:delivery: ${N} messages of ~3.5 KB, ${CONCURRENCY} submission connections (reused)`);
console.log(`machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
const yubin = await startYubinProcess({
  roles: "mail,delivery",
  env: {
    YUBIN_HOSTNAME: "mail.example.com",
    YUBIN_ADMIN_EMAIL: "admin@example.com",
    YUBIN_ADMIN_PASSWORD: PASSWORD,
    YUBIN_SUBMISSION_PORT: String(submissionPort),
    YUBIN_DNS_SERVERS: dns.address,
    YUBIN_SMTP_OUTBOUND_PORT: String(sinkPort),
    // e.g. "--import ./bench/cpu-profile.mjs" to profile the server under this load (--cpu-prof is not allowed here).
    ...(process.env.BENCH_YUBIN_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_YUBIN_NODE_OPTIONS } : {}),
  },
  timeoutMs: 180_000,
});
let yubinResult: PushResult;
try {
  const pgPid = process.env.DATABASE_URL ? null : postgresPid(yubin.dataDir);
  yubinResult = await push(
    "yubin",
    nodemailer.createTransport({
      host: "127.0.0.1",
      port: submissionPort,
      pool: true,
      maxConnections: CONCURRENCY,
      maxMessages: Number.POSITIVE_INFINITY,
      auth: { user: "admin@example.com", pass: PASSWORD },
      tls: { rejectUnauthorized: false },
    }),
    sink,
    "admin@example.com",
    () => descendants([yubin.child.pid as number, ...(pgPid ? [pgPid] : [])]),
    false,
  );
} catch (e) {
  const lines = yubin
    .output()
    .split("\n")
    .filter((l) => !/ delivered: |^smtp: submission: </.test(l));
  console.error(lines.slice(-40).join("\n"));
  console.error(`bench:delivery: the Yubin run failed: ${String(e)}`);
  await yubin.stop();
  process.exit(1);
} finally {
  await yubin.stop();
}
report("Yubin", yubinResult);

if (!postfixAvailable()) {
  console.log("Postfix is not installed (apt-get install -y postfix); no comparison.");
} else {
  const postfix = await startPostfixRelay({ host: "127.0.0.1", port: sinkPort });
  try {
    const postfixResult = await push(
      "postfix",
      nodemailer.createTransport({
        host: "127.0.0.1",
        port: postfix.port,
        pool: true,
        maxConnections: CONCURRENCY,
        maxMessages: Number.POSITIVE_INFINITY,
        ignoreTLS: true,
      }),
      sink,
      "admin@example.com",
      () => descendants(postfix.pids()),
      true,
    );
    report("Postfix", postfixResult);
    console.log(
      `ratio Yubin/Postfix end to end: ${(postfixResult.endToEndSeconds / yubinResult.endToEndSeconds).toFixed(2)}`,
    );
    if (disturbed(yubinResult) || disturbed(postfixResult))
      console.log(
        "DISTURBED: other processes used more than 10% of the machine's CPU during a run; rerun on a quiet machine.",
      );
  } finally {
    postfix.stop();
  }
}
await sink.close();
await dns.close();
