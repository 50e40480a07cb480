// CPU and wall time of one `yubin` command and of `yubin start` up to
// "yubin ready", run three ways: as bin/yubin runs them now (the esbuild bundle
// of cli/, Liftoff-only WebAssembly for commands other than start), the bundle
// without that V8 flag, and the TypeScript sources through tsx (what bin/yubin
// did before, and still does when it has no bundle). Linux only: CPU comes from
// /usr/bin/time for commands and /proc/PID/stat for a started server.
// Usage: npm run bench:cli [-- --runs 5]   (the web start needs the web app built)
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildCliBundle } from "../scripts/cli-bundle.mjs";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { freePort, repoRoot } from "../tests/support/yubin-process.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const bundle = await buildCliBundle();
if (!bundle) throw new Error("another process is building the CLI bundle; try again");

const tsxRunner = `import { register } from "tsx/esm/api"; register(); await import(${JSON.stringify(path.join(repoRoot, "cli/main.ts"))});`;
const modes: Record<string, (args: string[]) => string[]> = {
  "bin/yubin (bundle, Liftoff-only)": (args) => [path.join(repoRoot, "bin/yubin"), ...args],
  "bundle, default V8": (args) => [path.join(bundle, "main.js"), ...args],
  "sources through tsx (before)": (args) => ["--input-type=module", "-e", tsxRunner, "yubin", ...args],
};

const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-cli-"));
chmodSync(scratch, 0o711);
const pg = await startEmbeddedPostgres(path.join(scratch, "pg"));
await applyMigrations(pg.url);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const loads: number[] = [];
const sampleLoad = () => loads.push(os.loadavg()[0] as number);

function timeCommand(nodeArgs: string[]): { wall: number; cpu: number } {
  const out = path.join(scratch, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", "-o", out, process.execPath, ...nodeArgs], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: pg.url },
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (r.status !== 0) throw new Error(`yubin failed: ${r.stderr}`);
  const [wall, user, sys] = readFileSync(out, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
  return { wall: wall as number, cpu: (user as number) + (sys as number) };
}

const rows: string[] = [];
for (const args of [["--help"], ["status"], ["user", "list"]]) {
  for (const [mode, argv] of Object.entries(modes)) {
    const samples = Array.from({ length: runs }, () => {
      sampleLoad();
      return timeCommand(argv(args));
    });
    rows.push(
      `| \`yubin ${args.join(" ")}\` | ${mode} | ${median(samples.map((s) => s.cpu)).toFixed(2)} s | ${median(samples.map((s) => s.wall)).toFixed(2)} s |`,
    );
  }
}

/** Starts Yubin with these roles, returns the process's CPU (all threads) and wall time at "yubin ready". */
async function timeStart(nodeArgs: string[]): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: pg.url,
      YUBIN_DATA_DIR: path.join(scratch, "data"),
      YUBIN_HTTP_PORT: String(await freePort()),
      YUBIN_BIND_ADDRESS: "127.0.0.1",
      ...Object.fromEntries(
        ["SMTP", "SUBMISSION", "SUBMISSIONS", "IMAP", "IMAPS", "POP3", "POP3S"].map((p) => [`YUBIN_${p}_PORT`, "0"]),
      ),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/^yubin ready$/m.test(out)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`yubin start exited with ${code}:\n${out}`)));
  });
  const wall = (performance.now() - started) / 1000;
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
  const [utime, stime] = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .slice(11, 13)
    .map(Number);
  const cpu = ((utime as number) + (stime as number)) / 100;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return { wall, cpu };
}

// The first start bootstraps the database (admin, shared mailbox); the timed ones find it done.
await timeStart(modes["bin/yubin (bundle, Liftoff-only)"]?.(["start", "--roles", "delivery"]) ?? []);
const webBuilt = existsSync(path.join(repoRoot, ".next", "BUILD_ID"));
for (const roles of ["delivery", "mail", ...(webBuilt ? ["web", "web,mail,delivery"] : [])]) {
  for (const [mode, argv] of Object.entries(modes)) {
    if (mode === "bundle, default V8") continue; // start keeps the default V8 flags
    const samples = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
      sampleLoad();
      samples.push(await timeStart(argv(["start", "--roles", roles])));
    }
    rows.push(
      `| \`yubin start --roles ${roles}\` to ready | ${mode.replace(", Liftoff-only", "")} | ${median(samples.map((s) => s.cpu)).toFixed(2)} s | ${median(samples.map((s) => s.wall)).toFixed(2)} s |`,
    );
  }
}
await pg.stop();
rmSync(scratch, { recursive: true, force: true });

const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
console.log(
  `${new Date().toISOString().slice(0, 10)}, ${commit}: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, ` +
    `median of ${runs} runs (starts: of ${Math.min(runs, 3)}), load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
console.log("| what | how | CPU (user + sys) | wall |\n| --- | --- | ---: | ---: |");
for (const row of rows) console.log(row);
