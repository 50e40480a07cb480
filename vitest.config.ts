import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // Each file gets its own process and its own database (tests/support/database.ts).
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits for what the UI or a server does eventually: 1 s (the default) ran out
    // for a first query after a page load at load average 13.
    expect: { poll: { timeout: 10_000 } },
    reporters: ["default"],
  },
});
