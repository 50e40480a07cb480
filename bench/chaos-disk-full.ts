// Disk full: Yubin's data dir on a small tmpfs. The embedded PostgreSQL
// lives in the data dir, and the messages live in PostgreSQL (Blob rows), so
// the database, its WAL and the mail "spool" all share the one tmpfs: it is
// PostgreSQL that runs out of space. A filler file takes most of the free
// space; then messages of 100 KiB are sent until the MX refuses them, and:
//   1. never a 250 for unsaved data: every message answered 250 is in the
//      store afterwards, byte for byte (SHA-256);
//   2. recovery without a restart: the filler is deleted (space returns) and
//      the same `yubin start` process, never restarted, must answer 250 again.
// Needs root (mount -t tmpfs); skipped with a message otherwise. The tmpfs is
// unmounted at the end, also when the run fails.
//
// Usage: npm run chaos -- disk-full [--size-mb 160] [--free-mb 24]
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { SmtpClient } from "../tests/support/smtp-client.ts";
import { freePort, startYubinProcess, type YubinProcess } from "../tests/support/yubin-process.ts";
import { chaosMessage, printResult, sha256 } from "./chaos-messages.ts";
import { startDnsStub } from "./dns-stub.ts";
import { machineInfo } from "./proc-stats.ts";

const { values: args } = parseArgs({
  options: { "size-mb": { type: "string" }, "free-mb": { type: "string" } },
});
const SIZE_MB = Number(args["size-mb"] ?? 160);
const FREE_MB = Number(args["free-mb"] ?? 24);
const TAG = `disk-${Date.now().toString(36)}`;

if (process.getuid?.() !== 0) {
  const why = "not root: mounting a tmpfs needs root; the disk-full scenario is skipped";
  console.log(`chaos disk-full: SKIPPED (${why})`);
  printResult({ scenario: "disk full", ok: true, skipped: why, figures: {} });
  process.exit(0);
}

const root = mkdtempSync(path.join(os.tmpdir(), "yubin-chaos-disk-"));
chmodSync(root, 0o711);
const mnt = path.join(root, "tmpfs");
mkdirSync(mnt);
execFileSync("mount", ["-t", "tmpfs", "-o", `size=${SIZE_MB}m,mode=0711`, "tmpfs", mnt]);
const freeMiB = () => {
  const s = statfsSync(mnt);
  return (s.bavail * s.bsize) / 2 ** 20;
};
let yubin: YubinProcess | undefined;
const dns = await startDnsStub();
let exitCode = 1;
try {
  const dataDir = path.join(mnt, "data");
  const smtpPort = await freePort();
  yubin = await startYubinProcess({
    roles: "mail",
    dataDir,
    timeoutMs: 180_000,
    env: {
      YUBIN_SMTP_PORT: String(smtpPort),
      YUBIN_HOSTNAME: "mx.example.com",
      YUBIN_DNS_SERVERS: dns.server,
      YUBIN_ADMIN_EMAIL: "admin@example.com",
      YUBIN_ADMIN_PASSWORD: "chaos-disk-password",
    },
  });
  const pid = yubin.child.pid;
  const filler = path.join(mnt, "filler");
  const fillMiB = Math.max(0, Math.floor(freeMiB() - FREE_MB));
  writeFileSync(filler, Buffer.alloc(fillMiB * 2 ** 20, 1));
  console.log(
    `chaos disk-full: data dir (embedded PostgreSQL with its WAL, where the messages are stored) on a ${SIZE_MB} MiB tmpfs; ` +
      `${fillMiB} MiB filler leaves ${freeMiB().toFixed(1)} MiB free; 100 KiB messages until the MX refuses`,
  );

  // ------------------------------------------------------------ send until refused
  const acked = new Map<number, string>();
  const refusals: Record<string, number> = {};
  let n = 0;
  let client: SmtpClient | null = null;
  /** Sends message n; the reply code at the step that failed, or 250. */
  async function sendOne(i: number): Promise<{ code: number; text: string }> {
    try {
      if (!client) {
        const c = await SmtpClient.connect(smtpPort);
        if (c.greeting.code !== 220) {
          c.client.close();
          return { code: c.greeting.code, text: `greeting ${c.greeting.last}` };
        }
        await c.client.send("EHLO disk.example");
        client = c.client;
      }
      const steps: [string, number][] = [
        ["MAIL FROM:<sender@customer.example>", 250],
        ["RCPT TO:<support@example.com>", 250],
        ["DATA", 354],
      ];
      for (const [line, want] of steps) {
        const r = await client.send(line);
        if (r.code !== want) {
          await client.send("RSET").catch(() => {});
          return { code: r.code, text: `${line.split(":")[0]}: ${r.last}` };
        }
      }
      const raw = message(i);
      client.write(Buffer.concat([raw, Buffer.from(".\r\n")]));
      const r = await client.reply(60_000);
      if (r.code === 250) acked.set(i, sha256(raw));
      return { code: r.code, text: `end of data: ${r.last}` };
    } catch (e) {
      client?.close();
      client = null;
      return { code: 0, text: `connection: ${(e as Error).message.split("\n")[0]}` };
    }
  }
  const message = (i: number) => {
    // About 100 KiB each, so that space runs out in a few hundred messages.
    const m = chaosMessage(TAG, 7, i);
    return m.length >= 90 * 1024
      ? m
      : Buffer.concat([m, Buffer.from(`${"x".repeat(76)}\r\n`.repeat(Math.ceil((100 * 1024 - m.length) / 78)))]);
  };
  let consecutive = 0;
  let firstRefusalAt = 0;
  const phase1 = performance.now();
  while (consecutive < 20 && performance.now() - phase1 < 10 * 60_000) {
    const r = await sendOne(n++);
    if (r.code === 250) {
      consecutive = 0;
      continue;
    }
    consecutive++;
    firstRefusalAt ||= n - 1;
    const key = r.text.replace(/\d{3,}/g, (d) => (d.length === 3 ? d : "N")).slice(0, 90);
    refusals[key] = (refusals[key] ?? 0) + 1;
    if (r.code === 0) await new Promise((res) => setTimeout(res, 500));
  }
  const full = freeMiB();
  console.log(
    `  ${acked.size} messages answered 250, then refusals from message ${firstRefusalAt} on (${n - acked.size} in all); ${full.toFixed(1)} MiB free`,
  );
  for (const [text, count] of Object.entries(refusals)) console.log(`    ${count} × ${text}`);
  const processAlive = yubin.child.exitCode === null && yubin.child.signalCode === null;

  // ------------------------------------------------------------ space returns
  rmSync(filler);
  const freed = performance.now();
  let recovered = false;
  let recoverSeconds = 0;
  const afterRefusals: Record<string, number> = {};
  while (performance.now() - freed < 120_000) {
    const r = await sendOne(n++);
    if (r.code === 250) {
      recovered = true;
      recoverSeconds = (performance.now() - freed) / 1000;
      break;
    }
    const key = r.text.slice(0, 90);
    afterRefusals[key] = (afterRefusals[key] ?? 0) + 1;
    await new Promise((res) => setTimeout(res, 500));
  }
  // A few more, to see the MX is really back.
  let more = 0;
  for (let k = 0; recovered && k < 10; k++) if ((await sendOne(n++)).code === 250) more++;
  (client as SmtpClient | null)?.close();
  const sameProcess = yubin.child.pid === pid && yubin.child.exitCode === null;
  console.log(
    recovered
      ? `  space back: first 250 after ${recoverSeconds.toFixed(1)} s, then ${more}/10 more; the same process (pid ${pid}), not restarted: ${sameProcess}`
      : `  space back: no 250 within 120 s (${Object.entries(afterRefusals)
          .map(([t, c]) => `${c} × ${t}`)
          .join("; ")})`,
  );

  // ------------------------------------------------------------ what the store holds
  await yubin.stop();
  const postgres = await startEmbeddedPostgres(dataDir);
  process.env.DATABASE_URL = postgres.url;
  const { db } = await import("../server/db.ts");
  const rows = await db().message.findMany({
    where: { messageIdHeader: { startsWith: `${TAG}-` } },
    select: { messageIdHeader: true, blob: { select: { bytes: true } } },
  });
  const stored = new Map<number, Buffer[]>();
  for (const row of rows) {
    const i = Number(new RegExp(`^${TAG}-(\\d+)@`).exec(row.messageIdHeader as string)?.[1]);
    stored.set(i, [...(stored.get(i) ?? []), Buffer.from(row.blob.bytes)]);
  }
  let lost = 0;
  let truncated = 0;
  let duplicated = 0;
  for (const [i, hash] of acked) {
    const copies = stored.get(i) ?? [];
    if (copies.length === 0) lost++;
    if (copies.length > 1) duplicated++;
    const length = message(i).length;
    for (const copy of copies) if (sha256(copy.subarray(copy.length - length)) !== hash) truncated++;
  }
  const unacked = [...stored.keys()].filter((i) => !acked.has(i)).length;
  await db().$disconnect?.();
  await postgres.stop();
  const machine = machineInfo();
  console.log(`machine: ${machine.cpus} × ${machine.model}, Node ${machine.node}, load ${os.loadavg()[0]?.toFixed(1)}`);
  console.log(
    `store: ${acked.size} answered 250 (${more + (recovered ? 1 : 0)} after space returned); lost ${lost}, truncated ${truncated}, duplicated ${duplicated}; stored without a 250 ${unacked}`,
  );
  const ok =
    lost === 0 && truncated === 0 && duplicated === 0 && recovered && sameProcess && firstRefusalAt > 0 && processAlive;
  console.log(ok ? "chaos: PASS" : "chaos: FAIL");
  printResult({
    scenario: "disk full",
    ok,
    figures: {
      tmpfs: `${SIZE_MB} MiB, ${FREE_MB} MiB free`,
      "250 before full": acked.size - more - (recovered ? 1 : 0),
      refusals: Object.entries(refusals)
        .map(([t, c]) => `${c} × ${t}`)
        .join("; "),
      lost,
      truncated,
      duplicated,
      "recovered, no restart": recovered && sameProcess ? `yes, ${recoverSeconds.toFixed(1)} s` : "NO",
    },
  });
  exitCode = ok ? 0 : 1;
} finally {
  await yubin?.stop();
  await dns.close();
  try {
    execFileSync("umount", [mnt]);
  } catch (e) {
    console.error(`could not unmount ${mnt}: ${String(e)}`);
  }
  rmSync(root, { recursive: true, force: true });
}
process.exit(exitCode);
