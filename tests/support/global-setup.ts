// One embedded PostgreSQL for the whole run; every test file creates its own
// database in it (see database.ts), so files never see each other's rows.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildCliBundle } from "../../scripts/cli-bundle.mjs";
import { startEmbeddedPostgres } from "../../server/db/embedded.ts";
import { createTemplateDatabase, dropDatabase } from "./database.ts";
import { stopLeftoverProcesses } from "./leftover-processes.ts";
import { guardSourceTree } from "./source-tree-guard.ts";
import { ensureWebBuild } from "./web-build.ts";
import { repoRoot } from "./yubin-process.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
    /** The migrated database each file's database is copied from (database.ts). */
    templateDatabase: string;
  }
}

/**
 * An operator's shell often exports YUBIN_* (and DATABASE_URL); the suite must
 * not see them. Test workers and the Yubin processes they start inherit this
 * process's environment, so clearing it here clears it everywhere. Only the
 * suite's own knobs (YUBIN_TEST_*) pass.
 */
export function clearCallerEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  const cleared: string[] = [];
  for (const name of Object.keys(env)) {
    if (
      (name.startsWith("YUBIN_") && !name.startsWith("YUBIN_TEST_")) ||
      name === "DATABASE_URL" ||
      name === "NEXTAUTH_URL" ||
      name === "NEXTAUTH_SECRET"
    ) {
      delete env[name];
      cleared.push(name);
    }
  }
  return cleared;
}

/** Vitest reports an error thrown by a global teardown but still exits 0; a failed check must fail the run. */
function failRunOn(check: () => void): void {
  try {
    check();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

export default async function setup(project: TestProject) {
  clearCallerEnvironment();
  const checkSourceTree = guardSourceTree(repoRoot);
  // Tests that start Yubin need the built web app; building it in each would race.
  if (process.env.YUBIN_TEST_SKIP_WEB_BUILD !== "1") ensureWebBuild();
  // Every `yubin` a test runs uses the CLI bundle; build it once here rather
  // than in whichever CLI processes happen to start first, side by side.
  // Another run in this checkout may be building it: wait for that build.
  for (let tries = 0; !(await buildCliBundle()); tries++) {
    if (tries === 600) throw new Error("the yubin CLI bundle is being built by another process for a minute now");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Data dirs of the Yubin processes tests start (yubin-process.ts, smtp-sink.ts) go
  // under one directory per run, removed at the end; the test workers inherit the variable.
  const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-test-run-"));
  // As root, the embedded PostgreSQL runs as another user, who must reach its data dir inside.
  chmodSync(scratch, 0o711);
  process.env.YUBIN_TEST_SCRATCH = scratch;
  const removeScratch = async () => {
    const stopped = await stopLeftoverProcesses(scratch, { spareChildrenOf: process.pid });
    if (stopped > 0) console.error(`stopped ${stopped} process(es) that tests had left running`);
    rmSync(scratch, { recursive: true, force: true });
  };
  if (process.env.YUBIN_TEST_DATABASE_URL) {
    const url = process.env.YUBIN_TEST_DATABASE_URL;
    const template = await createTemplateDatabase(url);
    project.provide("postgresUrl", url);
    project.provide("templateDatabase", template);
    return async () => {
      await dropDatabase(url, template);
      await removeScratch();
      failRunOn(checkSourceTree);
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "yubin-test-pg-"));
  const server = await startEmbeddedPostgres(dir);
  project.provide("postgresUrl", server.url);
  project.provide("templateDatabase", await createTemplateDatabase(server.url));
  return async () => {
    await removeScratch();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    failRunOn(checkSourceTree);
  };
}
