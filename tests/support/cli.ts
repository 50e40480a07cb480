import { spawn } from "node:child_process";
import path from "node:path";
import { format } from "node:util";
import { repoRoot } from "./yubin-process.ts";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `yubin ARGS` as a user would, in a child process. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin/yubin"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `yubin ARGS` in this process: the code the `yubin` process runs
 * (cli/run.ts: parsing, the command, its messages and exit code), without the
 * second or so of CPU that starting a process costs. For tests of what a
 * command does; keep a `runCli` test for each command family, so the real
 * process is tested too. Calls run one at a time, since they share the
 * console and the database client; on this file's database only.
 */
export function runCliInProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const run = queue.then(() => runInProcess(args, env));
  queue = run.catch(() => {});
  return run;
}

async function runInProcess(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== process.env.DATABASE_URL) {
    throw new Error("runCliInProcess runs on this file's database; use runCli for another one");
  }
  const { runYubin } = await import("../../cli/run.ts");
  const saved = new Map(Object.keys(env).map((name) => [name, process.env[name]]));
  const setEnv = (values: Map<string, string | undefined>) => {
    for (const [name, value] of values) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  const { log, info, error, warn } = console;
  let stdout = "";
  let stderr = "";
  console.log = console.info = (...parts: unknown[]) => {
    stdout += `${format(...parts)}\n`;
  };
  console.error = console.warn = (...parts: unknown[]) => {
    stderr += `${format(...parts)}\n`;
  };
  setEnv(new Map(Object.entries(env)));
  try {
    const code = await runYubin(args);
    return { code, stdout, stderr };
  } finally {
    setEnv(saved);
    Object.assign(console, { log, info, error, warn });
  }
}
