// The global teardown's sweep (tests/support/leftover-processes.ts): a
// process carrying the run's scratch variable is found and stopped, even one
// that ignores SIGTERM; others are left alone.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { processesWithEnv, stopLeftoverProcesses } from "../support/leftover-processes.ts";

const exited = (child: ReturnType<typeof spawn>) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once("exit", () => resolve()),
  );

describe("stopping processes tests left running", () => {
  it("finds them by the scratch variable and stops them, SIGKILL for one that ignores SIGTERM", async () => {
    const scratch = `/tmp/leftover-${randomUUID()}`;
    const env = { ...process.env, YUBIN_TEST_SCRATCH: scratch };
    const polite = spawn("sleep", ["60"], { env, stdio: "ignore" });
    // It says "ready" once its SIGTERM handler is in place: a loaded machine may take seconds to start node.
    const stubborn = spawn(
      process.execPath,
      ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready')"],
      { env, stdio: ["ignore", "pipe", "ignore"] },
    );
    const stubbornReady = new Promise<void>((resolve) => stubborn.stdout?.once("data", () => resolve()));
    const bystander = spawn("sleep", ["60"], {
      env: { ...process.env, YUBIN_TEST_SCRATCH: `${scratch}-other` },
      stdio: "ignore",
    });
    try {
      await stubbornReady;
      expect(processesWithEnv("YUBIN_TEST_SCRATCH", scratch).sort()).toEqual([polite.pid, stubborn.pid].sort());
      expect(await stopLeftoverProcesses(scratch, { graceMs: 1_000 })).toBe(2);
      await Promise.all([exited(polite), exited(stubborn)]);
      expect(polite.signalCode).toBe("SIGTERM");
      expect(stubborn.signalCode).toBe("SIGKILL");
      expect(bystander.exitCode).toBeNull();
      expect(bystander.signalCode).toBeNull();
      expect(await stopLeftoverProcesses(scratch)).toBe(0);
      // The teardown spares the children of the process it runs in (vitest's workers).
      expect(processesWithEnv("YUBIN_TEST_SCRATCH", `${scratch}-other`, process.pid)).toEqual([]);
      expect(processesWithEnv("YUBIN_TEST_SCRATCH", `${scratch}-other`)).toEqual([bystander.pid]);
    } finally {
      for (const child of [polite, stubborn, bystander]) child.kill("SIGKILL");
    }
  });
});
