// The embedded PostgreSQL never outlives the process that started it, however
// that process ends short of SIGKILL (which the next start recovers from:
// tests/cli/start.test.ts). A server left running would hold its port and memory
// with no owner, and a test run would leave it behind. Yubin's own connections
// to it go over a Unix socket (a private directory), its TCP port stays.
import { execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../server/db/embedded.ts";
import { repoRoot, scratchDir } from "../support/yubin-process.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the embedded PostgreSQL", () => {
  it("is stopped when its owner dies of an uncaught error", async () => {
    const dataDir = scratchDir("yubin-crash-");
    const child = spawn(process.execPath, ["--import", "tsx", "tests/fixtures/crash-owner.ts", dataDir], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
    });
    child.stderr.on("data", (d) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(out).toContain("an uncaught error after the database started");
    expect(code).not.toBe(0);
    const pid = Number(/started postmaster (\d+)/.exec(out)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // Fast shutdown: sessions rolled back, a checkpoint, then exit.
    await expect.poll(() => alive(pid), { timeout: 20_000, interval: 100 }).toBe(false);
  }, 60_000);
});

/** The address the server sees this connection on: null over a Unix socket. */
async function serverAddress(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ addr: string | null; db: string }>(
      "select host(inet_server_addr()) as addr, current_database() as db",
    );
    expect(rows[0]?.db).toBe("yubin");
    return rows[0]?.addr ?? null;
  } finally {
    await client.end();
  }
}

describe("the embedded PostgreSQL's connections", { timeout: 60_000 }, () => {
  const started: EmbeddedPostgres[] = [];
  afterAll(async () => {
    for (const server of started) await server.stop();
  });

  it("go over a Unix socket in the data dir, which only the server's user may enter; TCP stays on 127.0.0.1", async () => {
    const dataDir = scratchDir("yubin-socket-");
    const server = await startEmbeddedPostgres(dataDir);
    started.push(server);
    const socketDir = path.join(dataDir, "pg-socket");
    expect(server.socketDir).toBe(socketDir);
    expect(new URL(server.url).searchParams.get("host")).toBe(socketDir);
    expect(existsSync(path.join(socketDir, `.s.PGSQL.${server.port}`))).toBe(true);
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    // As root the server runs as `postgres`, who must be able to create its socket there.
    if (process.getuid?.() === 0) expect(statSync(socketDir).uid).not.toBe(0);
    expect(await serverAddress(server.url)).toBeNull();

    const password = readFileSync(path.join(dataDir, "pg-password"), "utf8").trim();
    const tcp = `postgresql://yubin:${encodeURIComponent(password)}@127.0.0.1:${server.port}/yubin`;
    expect(await serverAddress(tcp)).toBe("127.0.0.1");

    // Another process beside the owner (the CLI beside `yubin start`) joins it on the same socket.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "tests/fixtures/join-embedded.ts", dataDir],
      { cwd: repoRoot },
    );
    expect(JSON.parse(stdout.trim().split("\n").at(-1) as string)).toEqual({
      url: server.url,
      owned: false,
      socketDir,
    });

    await server.stop();
    started.pop();
    // PostgreSQL removes its socket when it stops; the directory stays for the next start.
    expect(existsSync(path.join(socketDir, `.s.PGSQL.${server.port}`))).toBe(false);
    expect(existsSync(socketDir)).toBe(true);
  });

  it("use a private temp directory when the data dir's path is too long for a socket, removed at stop", async () => {
    // A socket path has at most 107 bytes on Linux; this data dir alone is longer.
    const scratch = scratchDir("yubin-socket-");
    // As root, the server's user must pass through it (startEmbeddedPostgres opens up only the data dir).
    chmodSync(scratch, 0o711);
    const dataDir = path.join(scratch, "d".repeat(60), "e".repeat(60));
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const server = await startEmbeddedPostgres(dataDir);
    started.push(server);
    const socketDir = server.socketDir as string;
    expect(path.dirname(socketDir)).toBe(os.tmpdir());
    expect(path.basename(socketDir)).toMatch(/^yubin-pg-/);
    expect(statSync(socketDir).mode & 0o777).toBe(0o700);
    expect(await serverAddress(server.url)).toBeNull();
    await server.stop();
    started.pop();
    expect(existsSync(socketDir)).toBe(false);
  });
});
