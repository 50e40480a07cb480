// Runs `yubin start` as a real child process against a fresh test database,
// the way a user runs it, and stops it with SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface YubinProcess {
  child: ChildProcess;
  output: () => string;
  dataDir: string;
  httpPort: number;
  baseUrl: string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

// A test that fails before stopping its server must not leave it running
// (with its embedded PostgreSQL) after the test process is gone.
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
});

/** A fresh directory for a test's files, under the run's scratch dir (removed after the run; global-setup.ts). */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(process.env.YUBIN_TEST_SCRATCH ?? os.tmpdir(), prefix));
}

export const repoRoot = path.resolve(new URL("../..", import.meta.url).pathname);

/** Starts Yubin; resolves once it printed "yubin ready". Every port not given is disabled (0) except HTTP. */
export async function startYubinProcess(options: {
  env?: Record<string, string>;
  roles?: string;
  dataDir?: string;
  timeoutMs?: number;
  /** Another checkout to run (a benchmark comparing two builds); this one by default. */
  root?: string;
}): Promise<YubinProcess> {
  // An empty data dir would mean ./data in the checkout: a test whose earlier test failed to make one.
  if (options.dataDir === "") throw new Error("no data dir given (did the test that makes it fail?)");
  const httpPort = options.env?.YUBIN_HTTP_PORT ? Number(options.env.YUBIN_HTTP_PORT) : await freePort();
  const dataDir = options.dataDir ?? scratchDir("yubin-data-");
  // A test's Yubin lives for seconds to a minute: V8's optimising recompile of Prisma's
  // 3.4 MB WebAssembly query compiler (TurboFan, in the background) costs it about 2 s
  // of CPU it never earns back; Liftoff's code answers the same (bin/yubin does this
  // for every command but `start`, which keeps the optimiser for a server's long life).
  const root = options.root ?? repoRoot;
  const args = ["--liftoff-only", path.join(root, "bin/yubin"), "start"];
  if (options.roles) args.push("--roles", options.roles);
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      YUBIN_DATA_DIR: dataDir,
      YUBIN_HTTP_PORT: String(httpPort),
      YUBIN_BIND_ADDRESS: "127.0.0.1",
      YUBIN_SMTP_PORT: "0",
      YUBIN_SUBMISSION_PORT: "0",
      YUBIN_SUBMISSIONS_PORT: "0",
      YUBIN_IMAP_PORT: "0",
      YUBIN_IMAPS_PORT: "0",
      YUBIN_POP3_PORT: "0",
      YUBIN_POP3S_PORT: "0",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`yubin did not get ready in time:\n${out}`)),
      options.timeoutMs ?? 90_000,
    );
    const check = () => {
      if (/^yubin ready$/m.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`yubin exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    child,
    output: () => out,
    dataDir,
    httpPort,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
