// Runs `prisma generate` without the native schema engine, which Prisma's CLI
// would otherwise try to download (generate never needs it; see docs/development.md).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (!existsSync(new URL("../node_modules/prisma/package.json", import.meta.url))) {
  // Production installs (--omit=dev) ship without the CLI; the client must already exist.
  process.exit(0);
}
const result = spawnSync("npx", ["prisma", "generate"], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", PRISMA_HIDE_UPDATE_MESSAGE: "1", ...process.env },
});
process.exit(result.status ?? 1);
