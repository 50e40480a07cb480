// yubin mailbox quota as an admin runs it: limits and thresholds set, usage
// shown with the largest folders, and --recalculate reporting drift.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../server/db/raw-sql.ts";
import { db } from "../../server/db.ts";
import { runCli } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox } from "../support/factories.ts";

let env: Record<string, string>;
let mailboxId = 0;

beforeAll(async () => {
  env = { DATABASE_URL: await useTestDatabase() };
  await makeDomain("example.com");
  mailboxId = await makeSharedMailbox("support@example.com", []);
  await deliver(mailboxId);
  await deliver(mailboxId);
});

describe("yubin mailbox quota", () => {
  it("sets bytes, messages and thresholds, and shows usage with the largest folders", async () => {
    const r = await runCli(
      ["mailbox", "quota", "support@example.com", "1MB", "--messages", "100", "--warn", "50,90%"],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("quota of support@example.com is now 1 MB");
    expect(r.stdout).toMatch(
      /support@example\.com: .* of 1 MB, 2 of 100 messages; warnings at 50%, 90%; largest folders: INBOX .* \(2\)/,
    );
    const m = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } });
    expect([Number(m.quotaBytes), m.quotaMessages, m.quotaWarnPercents]).toEqual([1024 * 1024, 100, [50, 90]]);
  });

  it("--recalculate recounts from the messages and reports the drift; bad input exits 1 or 2", async () => {
    await sql.$queryRaw`update "Mailbox" set "usedMessages" = 7, "usedBytes" = "usedBytes" + 5 where id = ${mailboxId}::int`;
    const [r, json, bad, usage] = await Promise.all([
      runCli(["mailbox", "quota", "support@example.com", "--recalculate"], env),
      runCli(["mailbox", "quota", "support@example.com", "--json"], env),
      runCli(["mailbox", "quota", "support@example.com", "--warn", "0"], env),
      runCli(["mailbox", "quota"], env),
    ]);
    expect([r.stderr, r.code]).toEqual(["", 0]);
    expect(r.stdout).toMatch(
      /^support@example\.com: recounted 2 messages, \d+ bytes; drift -5 messages, -5 bytes \(corrected\)$/m,
    );
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } })).usedMessages).toBe(2);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ address: "support@example.com", quotaMessages: 100 });
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining("whole percentages from 1 to 100")]);
    expect(usage.code).toBe(2);
    const again = await runCli(["mailbox", "quota", "support@example.com", "--recalculate"], env);
    expect([again.stderr, again.code]).toEqual(["", 0]);
    expect(again.stdout).toContain("no drift");
  });
});
