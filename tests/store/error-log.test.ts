// Errors a process logs reach "ProcessError" in one batched write, the table
// is pruned to its newest rows, a flood is bounded (the surplus is counted in
// one line), and a failing write is dropped with one line on stderr, never
// thrown or fed back into the log.
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { flushErrorLog, logError, pruneErrorLog, recentErrors, splitSource } from "../../server/cluster/error-log.ts";
import { sql } from "../../server/db/raw-sql.ts";
import { disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";

beforeAll(async () => {
  await useTestDatabase();
});

afterAll(async () => {
  await disconnectDb();
});

const count = async () => (await sql.$queryRaw<{ n: number }[]>`select count(*)::int as n from "ProcessError"`)[0]?.n;

describe("the error log", () => {
  it("splits the source from a log line", () => {
    expect(splitSource("delivery: claim failed: boom", "yubin")).toEqual({
      source: "delivery",
      message: "claim failed: boom",
    });
    expect(splitSource("no prefix here", "web")).toEqual({ source: "web", message: "no prefix here" });
  });

  it("keeps logged errors with the process that logged them", async () => {
    logError("imap: FETCH failed: TypeError: x is undefined");
    logError("snooze waker: connection terminated");
    await flushErrorLog();
    const rows = await recentErrors();
    expect(rows.map((r) => [r.source, r.message])).toEqual([
      ["snooze waker", "connection terminated"],
      ["imap", "FETCH failed: TypeError: x is undefined"],
    ]);
    expect(rows[0]).toMatchObject({ hostname: os.hostname(), pid: process.pid });
  });

  it("bounds a flood: 100 lines kept per write, the rest counted in one line", async () => {
    const before = (await count()) ?? 0;
    for (let i = 0; i < 150; i++) logError(`delivery: failure ${i}`);
    await flushErrorLog();
    expect(await count()).toBe(before + 101);
    expect((await recentErrors(1))[0]?.message).toBe("50 more error(s) were logged but not kept");
  });

  it("prunes to the newest rows", async () => {
    await pruneErrorLog(3);
    expect(await count()).toBe(3);
    expect((await recentErrors(1))[0]?.message).toBe("50 more error(s) were logged but not kept");
  });

  it("drops a batch it cannot write, says so on stderr, and works again afterwards", async () => {
    await sql.$queryRaw`create function yubin_test_refuse() returns trigger language plpgsql as $$
      begin raise exception 'disk full (test)'; end $$`;
    await sql.$queryRaw`create trigger refuse before insert on "ProcessError" for each statement execute function yubin_test_refuse()`;
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const before = await count();
      logError("web: request failed");
      await expect(flushErrorLog()).resolves.toBeUndefined();
      expect(await count()).toBe(before);
      expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/^error log: 1 error\(s\) not kept: .*disk full \(test\)/),
      ]);
      // Nothing was queued again by the failure itself.
      await flushErrorLog();
      expect(stderr).toHaveBeenCalledTimes(1);
    } finally {
      stderr.mockRestore();
      await sql.$queryRaw`drop trigger refuse on "ProcessError"`;
    }
    logError("web: request failed again");
    await flushErrorLog();
    expect((await recentErrors(1))[0]?.message).toBe("request failed again");
  });
});
