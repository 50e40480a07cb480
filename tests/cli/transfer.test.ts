// yubin import and yubin export as an admin runs them: a real `yubin import`
// is killed (SIGKILL, a crash) once it has committed a batch, a second one is
// stopped with Ctrl-C (SIGINT), and running the command again goes on from
// the last committed message — every message stored once, none missing.
// Export to mbox and zip, with a search, and the errors of both commands
// (the rest run in this process: runCliInProcess).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../server/db/raw-sql.ts";
import { db } from "../../server/db.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox } from "../support/factories.ts";
import { processAlive, waitFor } from "../support/wait.ts";
import { repoRoot, scratchDir } from "../support/yubin-process.ts";

const dir = scratchDir("transfer-cli-");
let env: Record<string, string>;
let bulk = 0;

const COUNT = 600;

function bulkMbox(): string {
  const parts: string[] = [];
  for (let i = 1; i <= COUNT; i++) {
    parts.push(
      `From c${i}@customer.example Mon Nov  2 01:00:00 2026\nFrom: c${i}@customer.example\nSubject: bulk ${i}\nMessage-ID: <bulk.${i}@customer.example>\n\n${"Lorem ipsum dolor sit amet. ".repeat(20)}\n\n`,
    );
  }
  return parts.join("");
}

beforeAll(async () => {
  env = { DATABASE_URL: await useTestDatabase() };
  await makeDomain("example.com");
  bulk = await makeSharedMailbox("bulk@example.com", []);
  const support = await makeSharedMailbox("support@example.com", []);
  await deliver(support, { subject: "請求書の再発行", text: "From the accounts team\r\n" });
  await deliver(support, { subject: "Walrus order" });
});

/** `yubin import` as a real process, with a handle to signal it. */
function startImport(file: string) {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin/yubin"), "import", "bulk@example.com", file], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function job() {
  const [row] = await sql.$queryRaw<{ id: number; position: bigint; processed: number; state: string }[]>`
    select id, position, processed, state::text from "TransferJob" where path = ${path.join(dir, "bulk.mbox")}
    order by id desc limit 1`;
  return row;
}

describe("yubin import", () => {
  it("goes on after a crash and after Ctrl-C from the last committed message: no duplicate, no gap", {
    timeout: 120_000,
  }, async () => {
    const file = path.join(dir, "bulk.mbox");
    writeFileSync(file, bulkMbox());

    const crashing = startImport(file);
    await waitFor("a committed batch", async () => Number((await job())?.position ?? 0) > 0, 60_000);
    crashing.child.kill("SIGKILL");
    await crashing.exited;
    const afterCrash = await job();
    expect(afterCrash?.state).toBe("running");
    const committed = afterCrash?.processed ?? 0;
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(COUNT);
    expect(await db().message.count({ where: { mailboxId: bulk } })).toBe(committed);

    const interrupted = startImport(file);
    await waitFor("progress after the crash", async () => ((await job())?.processed ?? 0) > committed, 60_000);
    interrupted.child.kill("SIGINT");
    expect(await interrupted.exited).toBe(1);
    expect(interrupted.output().stderr).toMatch(
      /^resuming the import of bulk\.mbox into bulk@example\.com at byte \d+$/m,
    );
    expect(interrupted.output().stderr).toContain("stopped; run the same command again to go on from here");
    expect(processAlive(interrupted.child.pid as number)).toBe(false);
    expect((await job())?.state).toBe("cancelled");

    const finish = await runCliInProcess(["import", "bulk@example.com", file], env);
    expect([finish.code, finish.stderr]).toEqual([0, expect.stringMatching(/^resuming the import/)]);
    expect(finish.stderr).toMatch(
      /importing bulk\.mbox into bulk@example\.com: 100% — 600 read \(600 stored, 0 duplicates/,
    );
    expect(finish.stdout).toBe(
      "imported bulk.mbox into bulk@example.com: 600 messages stored, 0 duplicates skipped, 0 stored raw (could not be parsed), 0 skipped\n",
    );
    const ids = await sql.$queryRaw<{ id: string }[]>`
      select "messageIdHeader" as id from "Message" where "mailboxId" = ${bulk}::int`;
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids.map((r) => r.id)).size).toBe(COUNT);
    expect(await db().transferJob.count({ where: { path: file } })).toBe(1);

    // Run again when done: a new job, and every message is a duplicate.
    const again = await runCliInProcess(["import", "bulk@example.com", file], env);
    expect(again.stdout).toContain("0 messages stored, 600 duplicates skipped");
  });

  it("says what is wrong with the mailbox, the file or the usage", async () => {
    const letter = path.join(dir, "letter.txt");
    writeFileSync(letter, "Dear team,\n");
    const [notMbox, noMailbox, missing, usage] = [
      await runCliInProcess(["import", "support@example.com", letter], env),
      await runCliInProcess(["import", "nobody@example.com", letter], env),
      await runCliInProcess(["import", "support@example.com", path.join(dir, "missing.mbox")], env),
      await runCliInProcess(["import", "support@example.com"], env),
    ];
    expect([notMbox.code, notMbox.stderr]).toEqual([
      1,
      `yubin: ${letter} is not an mbox file (it does not start with a "From " line) nor a zip of .eml files\n`,
    ]);
    expect([noMailbox.code, noMailbox.stderr]).toEqual([1, "yubin: no mailbox nobody@example.com\n"]);
    expect(missing.stderr).toMatch(/missing\.mbox: no such file or folder/);
    expect(usage.code).toBe(2);
  });
});

describe("yubin export", () => {
  it("writes mbox and zip, a search, and refuses to overwrite", { timeout: 60_000 }, async () => {
    const mbox = path.join(dir, "support.mbox");
    const zip = path.join(dir, "support.zip");
    const found = path.join(dir, "found.mbox");
    const real = await runCli(["export", "support@example.com", "--out", mbox], env);
    expect([real.code, real.stdout]).toEqual([0, `exported 2 messages from support@example.com to ${mbox}\n`]);
    expect(real.stderr).toContain("exporting support@example.com to support.mbox: 100% — 2 of 2 messages");
    const text = readFileSync(mbox, "utf8");
    expect(text.match(/^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n/gm)).toHaveLength(2);
    expect(text).toContain("\r\n>From the accounts team\r\n");

    const [asZip, search, exists, badFormat, noOut] = [
      await runCliInProcess(["export", "support@example.com", "--out", zip], env),
      await runCliInProcess(["export", "support@example.com", "--out", found, "--query", "請求書"], env),
      await runCliInProcess(["export", "support@example.com", "--out", mbox], env),
      await runCliInProcess(["export", "support@example.com", "--out", path.join(dir, "x"), "--format", "pst"], env),
      await runCliInProcess(["export", "support@example.com"], env),
    ];
    expect(asZip.code).toBe(0);
    expect(readFileSync(zip).subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
    expect(search.stdout).toBe(`exported 1 messages from support@example.com to ${found}\n`);
    expect(readFileSync(found, "utf8")).toContain("請求書の再発行");
    expect([exists.code, exists.stderr]).toEqual([1, `yubin: ${mbox} exists: remove it or choose another file\n`]);
    expect([badFormat.code, badFormat.stderr]).toEqual([1, 'yubin: "pst" is not an export format (mbox or eml-zip)\n']);
    expect(existsSync(path.join(dir, "x"))).toBe(false);
    expect(noOut.code).toBe(2);

    // What was exported imports back as the same messages.
    const back = await runCliInProcess(["import", "bulk@example.com", zip], env);
    expect(back.stdout).toContain("2 messages stored, 0 duplicates skipped");
  });
});
