// Loads Prisma's schema engine (WebAssembly build from npm) without relying on
// Node's experimental .wasm ESM imports. Used only by development scripts and
// the migration drift test; Yubin applies migrations itself (server/db/migrate.ts).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

const require = createRequire(import.meta.url);
let started = false;

function startWasm(): void {
  if (started) return;
  const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, {
    "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  started = true;
}

export const schemaPath = "prisma/schema.prisma";
export const noFilters = { externalTables: [], externalEnums: [] };

export async function openSchemaEngine(databaseUrl: string): Promise<bg.SchemaEngine> {
  startWasm();
  const schema = readFileSync(schemaPath, "utf8");
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  return bg.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, adapter);
}

export function currentSchema(): { path: string; content: string }[] {
  return [{ path: schemaPath, content: readFileSync(schemaPath, "utf8") }];
}
