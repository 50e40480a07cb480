// Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that
// takes the schema as last committed (git HEAD) to prisma/schema.prisma as it
// is now. Usage: npm run db:diff -- NAME
//
// Prisma's WebAssembly schema engine cannot introspect a live database over
// the pg adapter here (it fails on PostgreSQL's internal "char" columns), so
// the diff is schema-to-schema; tests/migrations.test.ts proves that the
// committed migrations build exactly the database the schema describes.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { migrationsDir } from "../server/db/migrate.ts";
import { currentSchema, noFilters, openSchemaEngine, schemaPath } from "./schema-engine.ts";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- name_in_snake_case");
  process.exit(2);
}

function committedSchema(): string | undefined {
  try {
    return execFileSync("git", ["show", `HEAD:${schemaPath}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

const before = committedSchema();
// The engine insists on a live connection even for a schema-to-schema diff.
const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-diff-"));
const server = await startEmbeddedPostgres(scratch);
const engine = await openSchemaEngine(server.url);
const result = await engine.diff({
  from:
    before === undefined
      ? { tag: "empty" }
      : { tag: "schemaDatamodel", files: [{ path: schemaPath, content: before }] },
  to: { tag: "schemaDatamodel", files: currentSchema() },
  script: true,
  exitCode: null,
  filters: noFilters,
});
await server.stop();
rmSync(scratch, { recursive: true, force: true });
const sql = result.stdout ?? "";
if (!sql.trim() || /empty migration/i.test(sql)) {
  console.log("no changes between the committed schema and prisma/schema.prisma");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const target = path.join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, "migration.sql"), sql);
  console.log(`wrote ${path.relative(process.cwd(), target)}/migration.sql`);
}
