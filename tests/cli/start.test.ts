// `yubin start` as a user runs it: the embedded PostgreSQL in a fresh data
// dir, first-run bootstrap, health, the CLI beside a running server, graceful
// shutdown, and recovery from a SIGKILL that left PostgreSQL running.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { createEmptyDatabase } from "../support/database.ts";
import { processAlive } from "../support/wait.ts";
import { freePort, repoRoot, scratchDir, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const running: YubinProcess[] = [];
afterAll(async () => {
  // A test that failed half-way may leave a server: stop it and its PostgreSQL.
  for (const p of running) {
    await p.stop("SIGTERM");
    const pid = postmasterPid(p.dataDir);
    if (pid && processAlive(pid)) process.kill(pid, "SIGINT");
  }
});

function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, "pg", "postmaster.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : null;
}

// The embedded database: no DATABASE_URL, whatever the test runner set.
const embedded = { DATABASE_URL: "" };

// Each test starts (or stops) a real `yubin start` with its embedded PostgreSQL: initdb, migrations and the
// first-run bootstrap take 7–20 s on a quiet machine and several times that on a loaded one.
describe("yubin start on the embedded database", { timeout: 90_000 }, () => {
  // A scratch dir from the start: were the first test to fail, the later ones must not run the CLI
  // with an empty YUBIN_DATA_DIR, which means ./data — in the checkout.
  const dataDir = scratchDir("start-");

  it("initialises a fresh data dir, prints the generated admin password once, and serves", async () => {
    const yubin = await startYubinProcess({ env: embedded, dataDir });
    running.push(yubin);
    const out = yubin.output();
    expect(out).toMatch(/^yubin ready$/m);
    expect(out).toMatch(/^ {2}web: http:\/\/localhost:\d+$/m);
    expect(out).toMatch(/^ {2}first run: admin admin@localhost, shared mailbox support@localhost$/m);
    const password = /^ {2}admin password \(shown once\): (\S+)$/m.exec(out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // It says where to change it: Settings, at the web URL just printed.
    const web = /^ {2}web: (\S+)$/m.exec(out)?.[1];
    expect(out).toContain(`  change it after signing in, in Settings → Password: ${web}/settings#password\n`);

    const health = await fetch(`${yubin.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toBe("application/json");
    expect(await health.json()).toEqual({ ok: true, database: true, roles: { web: true, mail: true, delivery: true } });

    const signIn = await fetch(`${yubin.baseUrl}/sign-in`);
    expect(signIn.status).toBe(200);
  });

  it("lets the CLI work against the running server's database", async () => {
    const env = { ...embedded, YUBIN_DATA_DIR: dataDir };
    expect((await runCli(["domain", "add", "example.com"], env)).code).toBe(0);
    const add = await runCli(["user", "add", "carol@example.com", "--password", "0123456789abc"], env);
    expect(add.stdout).toContain("added agent carol@example.com with personal mailbox carol@example.com");
    const status = await runCli(["status", "--json"], env);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.nodes).toHaveLength(1);
    expect(report.nodes[0]).toMatchObject({ roles: ["web", "mail", "delivery"], up: true, pid: running[0]?.child.pid });
    // admin@localhost and support@localhost from the first run, carol@example.com now.
    expect(report.counts).toEqual({ users: 2, domains: 2, mailboxes: 3 });
    // The CLI joined the server's PostgreSQL rather than starting another one.
    expect(postmasterPid(dataDir)).not.toBeNull();
  });

  it("stops everything on SIGTERM, including the embedded PostgreSQL", async () => {
    const yubin = running.pop() as YubinProcess;
    const pgPid = postmasterPid(dataDir) as number;
    expect(processAlive(pgPid)).toBe(true);
    expect(await yubin.stop("SIGTERM")).toBe(0);
    expect(yubin.output()).toMatch(/yubin stopped\n$/);
    expect(processAlive(pgPid)).toBe(false);
  });

  it("starts again on the same data dir without a new admin, keeping the data", async () => {
    const yubin = await startYubinProcess({ env: embedded, dataDir });
    running.push(yubin);
    expect(yubin.output()).not.toContain("first run");
    const status = await runCli(["status", "--json"], { ...embedded, YUBIN_DATA_DIR: dataDir });
    expect(JSON.parse(status.stdout).counts.users).toBe(2);
  });

  it("recovers when the previous process was killed and left PostgreSQL running", async () => {
    const yubin = running.pop() as YubinProcess;
    const stalePg = postmasterPid(dataDir) as number;
    await yubin.stop("SIGKILL");
    expect(processAlive(stalePg)).toBe(true);
    const again = await startYubinProcess({ env: embedded, dataDir });
    running.push(again);
    expect(again.output()).toContain(`stopping a stale embedded PostgreSQL (pid ${stalePg})`);
    expect(processAlive(stalePg)).toBe(false);
    expect((await fetch(`${again.baseUrl}/api/health`)).status).toBe(200);
  });

  it("keeps serving and stops cleanly after whoever read its output went away", async () => {
    // The recovered server of the test before: starting another would prove nothing more.
    const yubin = running.at(-1) as YubinProcess;
    const pgPid = postmasterPid(dataDir) as number;
    // The terminal or supervisor that read stdout/stderr is gone: every log line now fails with EPIPE.
    yubin.child.stdout?.destroy();
    yubin.child.stderr?.destroy();
    expect((await fetch(`${yubin.baseUrl}/api/health`)).status).toBe(200);
    // Stopping logs two lines into the broken pipes; that must neither crash nor wedge the shutdown.
    expect(await yubin.stop("SIGTERM")).toBe(0);
    expect(processAlive(pgPid)).toBe(false);
    running.pop();
  });

  it("stops cleanly on a SIGTERM that arrives while it is still starting", async () => {
    const fresh = scratchDir("yubin-data-");
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/yubin"), "start", "--roles", "web"], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...embedded,
        YUBIN_DATA_DIR: fresh,
        YUBIN_HTTP_PORT: String(await freePort()),
        YUBIN_BIND_ADDRESS: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let signalled = false;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const onData = (d: Buffer) => {
      out += d.toString();
      // The database is up; migrations, the first run and the web app are still to come.
      if (!signalled && out.includes("embedded PostgreSQL listening")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    expect(await exited).toBe(0);
    expect(out).toContain("yubin: SIGTERM received, stopping");
    expect(out).toMatch(/yubin stopped\n$/);
    // PostgreSQL removes its pid file when it has stopped; a leaked server would still have one.
    expect(postmasterPid(fresh)).toBeNull();
  });

  it("takes the first admin from YUBIN_ADMIN_EMAIL and YUBIN_ADMIN_PASSWORD without printing it", async () => {
    // A first run needs an empty database (the start migrates it), not a new PostgreSQL; no role needs the web app.
    const yubin = await startYubinProcess({
      roles: "delivery",
      env: {
        DATABASE_URL: await createEmptyDatabase(),
        YUBIN_ADMIN_EMAIL: "Boss@Example.com",
        YUBIN_ADMIN_PASSWORD: "a-strong-password",
      },
    });
    running.push(yubin);
    expect(yubin.output()).toMatch(/^ {2}first run: admin boss@example\.com, shared mailbox support@example\.com$/m);
    expect(yubin.output()).not.toContain("a-strong-password");
    expect(yubin.output()).not.toContain("admin password");
    await yubin.stop();
    running.pop();
  });

  it("refuses bad configuration and unknown roles with a clear message", async () => {
    const [badPort, badRole] = await Promise.all([
      runCli(["start"], { YUBIN_HTTP_PORT: "99999" }),
      runCli(["start", "--roles", "web,frontdesk"]),
    ]);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toContain("YUBIN_HTTP_PORT: must be a port number (0-65535)");
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('unknown role "frontdesk"');
  });
});
