// Processes a test started and never stopped: when a beforeAll times out
// while `yubin start` is still coming up, the test never gets the handle its
// afterAll would stop, and a worker thread's exit hooks do not run. Every
// process a test starts inherits YUBIN_TEST_SCRATCH (global-setup.ts), so at
// the end of the run the global teardown finds them by that variable in
// /proc and stops them: SIGTERM first (Yubin then stops its own PostgreSQL),
// SIGKILL for whatever is left.
import { readdirSync, readFileSync } from "node:fs";

/** The parent of a process, from /proc/PID/stat (the field after the parenthesised name). */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/**
 * Ids of the processes whose environment holds NAME=VALUE, other than this one
 * and the children of `spareChildrenOf` (the teardown spares vitest's workers,
 * which vitest ends itself).
 */
export function processesWithEnv(name: string, value: string, spareChildrenOf?: number): number[] {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found; // not Linux: nothing to find this way
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (
      !Number.isInteger(pid) ||
      pid === process.pid ||
      (spareChildrenOf !== undefined && parentOf(pid) === spareChildrenOf)
    )
      continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(wanted)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  }
}

/** Stops every process left behind under the run's scratch dir; returns how many there were. */
export async function stopLeftoverProcesses(
  scratch: string,
  options: { graceMs?: number; spareChildrenOf?: number } = {},
): Promise<number> {
  const { graceMs = 15_000, spareChildrenOf } = options;
  const find = () => processesWithEnv("YUBIN_TEST_SCRATCH", scratch, spareChildrenOf);
  const left = find();
  if (left.length === 0) return 0;
  signal(left, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && find().length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  signal(find(), "SIGKILL");
  return left.length;
}
