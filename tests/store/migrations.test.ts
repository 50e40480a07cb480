// Migrations from empty, idempotence, concurrency, tamper detection, and no
// drift between the committed migrations and prisma/schema.prisma.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { currentSchema, noFilters, openSchemaEngine } from "../../scripts/schema-engine.ts";
import { applyMigrations, listMigrations, migrationsDir } from "../../server/db/migrate.ts";
import { createEmptyDatabase } from "../support/database.ts";
import { scratchDir } from "../support/yubin-process.ts";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** What the schema is made of, in a comparable form (CHECK constraints are ours, not Prisma's). */
async function catalog(url: string) {
  const columns = await query(
    url,
    `select table_name, column_name, data_type, udt_name, is_nullable, column_default
       from information_schema.columns where table_schema = 'public' and table_name <> '_prisma_migrations'
      order by 1, 2`,
  );
  // Indexes the schema cannot express are written by hand with a "_sql" suffix.
  const indexes = await query(
    url,
    `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename <> '_prisma_migrations'
       and indexname not like '%\\_sql' order by 1`,
  );
  const constraints = await query(
    url,
    `select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def from pg_constraint
      where connamespace = 'public'::regnamespace and contype in ('f', 'p', 'u')
        and conrelid::regclass::text <> '_prisma_migrations' order by 1, 2`,
  );
  const enums = await query(
    url,
    `select t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder) as labels
       from pg_type t join pg_enum e on e.enumtypid = t.oid group by 1 order by 1`,
  );
  return { columns, indexes, constraints, enums };
}

describe("migrations", () => {
  it("apply from empty once, then are a no-op", async () => {
    const url = await createEmptyDatabase();
    const names = listMigrations().map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual(names);
    expect(await applyMigrations(url)).toEqual([]);
    const rows = await query<{ migration_name: string; checksum: string }>(
      url,
      `select migration_name, checksum from "_prisma_migrations" order by 1`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.map((r) => r.checksum)).toEqual(listMigrations().map((m) => m.checksum));
  });

  it("are applied exactly once when several processes start together", async () => {
    const url = await createEmptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flat()).toEqual(listMigrations().map((m) => m.name));
  });

  it("refuse a migration that was edited after it was applied, and roll back a failing one", async () => {
    const dir = scratchDir("yubin-mig-");
    const write = (name: string, sql: string) => {
      mkdirSync(path.join(dir, name), { recursive: true });
      writeFileSync(path.join(dir, name, "migration.sql"), sql);
    };
    const url = await createEmptyDatabase();
    write("001_a", "create table a (id int);");
    expect(await applyMigrations(url, dir)).toEqual(["001_a"]);
    write("001_a", "create table a (id bigint);");
    await expect(applyMigrations(url, dir)).rejects.toThrow("migration 001_a was changed after it was applied");
    write("001_a", "create table a (id int);");
    write("002_b", "create table b (id int); select no_such_function();");
    await expect(applyMigrations(url, dir)).rejects.toThrow(/migration 002_b failed/);
    const tables = await query<{ tablename: string }>(
      url,
      "select tablename from pg_tables where schemaname = 'public' order by 1",
    );
    // The failed migration left nothing behind: no table b, no history row.
    expect(tables.map((t) => t.tablename)).toEqual(["_prisma_migrations", "a"]);
  });

  it("give each mailbox its own copy of every global tag it uses, keeping every conversation's tags", async () => {
    // The database as it was before tags_per_mailbox, with tags in use by two mailboxes.
    const before = scratchDir("yubin-mig-tags-");
    for (const m of listMigrations().filter((m) => m.name < "20261203173703_tags_per_mailbox")) {
      cpSync(path.join(migrationsDir, m.name), path.join(before, m.name), { recursive: true });
    }
    const url = await createEmptyDatabase();
    await applyMigrations(url, before);
    await query(
      url,
      `insert into "Domain" (id, name) values (1, 'example.com');
       insert into "Mailbox" (id, address, "domainId", kind, "displayName")
         values (1, 'support@example.com', 1, 'shared', 'Support'), (2, 'sales@example.com', 1, 'shared', 'Sales');
       insert into "Conversation" (id, "mailboxId", "updatedAt") values (10, 1, now()), (11, 1, now()), (20, 2, now());
       insert into "Tag" (id, name, color) values (1, 'Billing', 'red'), (2, 'VIP', 'slate'), (3, 'Unused', 'slate');
       insert into "ConversationTag" ("conversationId", "tagId") values (10, 1), (11, 1), (20, 1), (20, 2), (10, 2);
       select setval('"Tag_id_seq"', 3);`,
    );
    await applyMigrations(url);
    const tags = await query<{ id: number; mailboxId: number; name: string; color: string }>(
      url,
      `select id, "mailboxId", name, color from "Tag" order by "mailboxId", name`,
    );
    // The lowest mailbox keeps the original rows; sales gets copies of the same name and colour; "Unused" belonged to nobody.
    expect(tags.map((t) => [t.mailboxId, t.name, t.color])).toEqual([
      [1, "Billing", "red"],
      [1, "VIP", "slate"],
      [2, "Billing", "red"],
      [2, "VIP", "slate"],
    ]);
    expect(tags.filter((t) => t.mailboxId === 1).map((t) => t.id)).toEqual([1, 2]);
    const links = await query<{ conversationId: number; mailboxId: number; name: string; tagMailbox: number }>(
      url,
      `select ct."conversationId", c."mailboxId", t.name, t."mailboxId" as "tagMailbox"
       from "ConversationTag" ct join "Conversation" c on c.id = ct."conversationId" join "Tag" t on t.id = ct."tagId"
       order by 1, 3`,
    );
    expect(links.map((l) => [l.conversationId, l.name])).toEqual([
      [10, "Billing"],
      [10, "VIP"],
      [11, "Billing"],
      [20, "Billing"],
      [20, "VIP"],
    ]);
    expect(links.every((l) => l.tagMailbox === l.mailboxId)).toBe(true);
  });

  it("build exactly the database that prisma/schema.prisma describes", async () => {
    const fromMigrations = await createEmptyDatabase();
    await applyMigrations(fromMigrations);
    const fromSchema = await createEmptyDatabase();
    const engine = await openSchemaEngine(fromSchema);
    const diff = await engine.diff({
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: currentSchema() },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    await query(fromSchema, diff.stdout ?? "");
    const a = await catalog(fromMigrations);
    const b = await catalog(fromSchema);
    expect(a.columns.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  });
});
