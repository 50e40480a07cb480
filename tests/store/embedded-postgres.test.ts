// The embedded PostgreSQL never outlives the process that started it, however
// that process ends short of SIGKILL (which the next start recovers from:
// tests/cli/start.test.ts). A server left running would hold its port and memory
// with no owner, and a test run would leave it behind.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
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
