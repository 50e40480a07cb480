// Time from `yubin start` to "yubin ready" on a fresh data dir (initdb,
// migrations, bootstrap) and on a warm one, and the idle memory of every
// process Yubin runs (the Node.js process plus the embedded PostgreSQL).
// Usage: npm run bench:start   (the web app must be built: npm run build)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startYubinProcess } from "../tests/support/yubin-process.ts";

function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** PostgreSQL backends share memory; PSS splits shared pages fairly between them. */
function pssKiB(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0);
  } catch {
    return rssKiB(pid);
  }
}

function postgresPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmdline.includes("postgres") && cmdline.includes(dataDir)) pids.push(Number(entry));
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (pids.includes(ppid) && !pids.includes(Number(entry))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

// Every role with its main listeners, as `npm start` runs it.
const env = {
  YUBIN_SMTP_PORT: String(await freePort()),
  YUBIN_SUBMISSION_PORT: String(await freePort()),
  YUBIN_SUBMISSIONS_PORT: String(await freePort()),
  YUBIN_ADMIN_EMAIL: "admin@example.com",
  YUBIN_ADMIN_PASSWORD: "bench-password-123",
  DATABASE_URL: "",
};

const dataDir = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-start-"));
let t = performance.now();
const cold = await startYubinProcess({ env, dataDir, timeoutMs: 180_000 });
const coldMs = performance.now() - t;
await cold.stop();

const warm: number[] = [];
let memory = { node: 0, postgres: 0 };
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const run = await startYubinProcess({ env, dataDir, timeoutMs: 180_000 });
  warm.push(performance.now() - t);
  if (i === 2) {
    await new Promise((r) => setTimeout(r, 5000)); // let start-up garbage settle
    const pgPids = postgresPids(path.join(dataDir, "pg"));
    memory = {
      node: rssKiB(run.child.pid as number) / 1024,
      postgres: pgPids.reduce((sum, pid) => sum + pssKiB(pid), 0) / 1024,
    };
  }
  await run.stop();
}
rmSync(dataDir, { recursive: true, force: true });

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(`start to ready, fresh data dir (initdb + migrations + bootstrap): ${fmt(coldMs)}`);
console.log(
  `start to ready, warm data dir: ${warm.map(fmt).join(", ")} (median ${fmt([...warm].sort((a, b) => a - b)[1] as number)})`,
);
console.log(
  `idle memory: node ${memory.node.toFixed(0)} MiB RSS + postgres ${memory.postgres.toFixed(0)} MiB PSS = ${(memory.node + memory.postgres).toFixed(0)} MiB`,
);
