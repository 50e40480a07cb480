// The audit log is append-only in the database: UPDATE, DELETE and TRUNCATE of
// "AuditEvent" are refused whoever asks (a trigger from the operations
// migration), inserting still works, and no code in Yubin has a path that
// would change or remove a row.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../server/audit/record-audit.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { repoRoot } from "../support/yubin-process.ts";

let url = "";
let client: pg.Client;

beforeAll(async () => {
  url = await useTestDatabase();
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await recordAudit({ actorId: null, action: "test.one", subjectType: "test", subjectId: 1, after: { n: 1 } });
  await recordAudit({ actorId: null, action: "test.two", subjectType: "test", subjectId: 2, after: { n: 2 } });
});

afterAll(async () => {
  await client?.end();
  await disconnectDb();
});

async function refusal(statement: string): Promise<string> {
  const error = await client.query(statement).then(
    () => null,
    (e: Error) => e,
  );
  expect(error, statement).toBeInstanceOf(Error);
  return (error as Error).message;
}

const rows = async () =>
  (await client.query<{ id: number; action: string }>(`select id, action from "AuditEvent" order by id`)).rows;

describe("the AuditEvent table", () => {
  it("refuses UPDATE, DELETE and TRUNCATE in SQL, even of no row, and keeps every row as it was", async () => {
    const before = await rows();
    expect(before.map((r) => r.action)).toEqual(["test.one", "test.two"]);
    expect(await refusal(`update "AuditEvent" set action = 'forged'`)).toMatch(/append-only: UPDATE/);
    expect(await refusal(`update "AuditEvent" set action = 'forged' where false`)).toMatch(/append-only: UPDATE/);
    expect(await refusal(`delete from "AuditEvent" where action = 'test.one'`)).toMatch(/append-only: DELETE/);
    expect(await refusal(`delete from "AuditEvent" where false`)).toMatch(/append-only: DELETE/);
    expect(await refusal(`truncate "AuditEvent"`)).toMatch(/append-only: TRUNCATE/);
    expect(await refusal(`truncate "AuditEvent", "ProcessError"`)).toMatch(/append-only: TRUNCATE/);
    expect(await rows()).toEqual(before);
  });

  it("refuses them through the Prisma client too", async () => {
    const first = (await rows())[0]?.id as number;
    await expect(db().auditEvent.update({ where: { id: first }, data: { action: "forged" } })).rejects.toThrow();
    await expect(db().auditEvent.deleteMany({})).rejects.toThrow();
    expect((await rows()).map((r) => r.action)).toEqual(["test.one", "test.two"]);
  });

  it("still takes new events", async () => {
    await recordAudit({ actorId: null, action: "test.three", subjectType: "test", subjectId: 3 });
    expect((await rows()).map((r) => r.action)).toEqual(["test.one", "test.two", "test.three"]);
  });
});

describe("Yubin's code", () => {
  // Every tracked source file outside the tests (which prove the refusals above).
  const files = execFileSync(
    "git",
    ["ls-files", "server", "app", "cli", "mail-daemons", "scripts", "bench", "prisma"],
    {
      cwd: repoRoot,
      encoding: "utf8",
    },
  )
    .split("\n")
    .filter((f) => /\.(ts|tsx|mjs|js|sql)$/.test(f) && !f.startsWith("server/generated/"));
  const forbidden = [
    /auditEvent\s*\.\s*(update|updateMany|upsert|delete|deleteMany)\b/i,
    /\bupdate\s+"AuditEvent"/i,
    /\bdelete\s+from\s+"AuditEvent"/i,
    /\btruncate\b[^;]*"AuditEvent"/i,
  ];

  it("is searched (the list of files is not empty)", () => {
    expect(files.length).toBeGreaterThan(300);
    expect(files).toContain("server/audit/record-audit.ts");
  });

  it("never updates or deletes an audit event", () => {
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      for (const pattern of forbidden) {
        const m = pattern.exec(text);
        // The migration that creates the refusing triggers names the statements it refuses.
        if (m && !(file.endsWith("_operations/migration.sql") && /TRIGGER|trigger/.test(text))) {
          found.push(`${file}: ${m[0]}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it("the search would find such a call", () => {
    const sample = 'await db().auditEvent.deleteMany({});\nawait sql`delete from "AuditEvent" where id = 1`;';
    expect(forbidden.filter((p) => p.test(sample))).toHaveLength(2);
  });
});
