// bin/yubin runs an esbuild bundle of cli/ when it matches the sources
// (scripts/cli-bundle.mjs). These build one into a scratch cache and check that
// it runs like the sources — it finds the migrations beside their source file
// — that any change to an input makes it stale, and that without a bundle the
// sources still run through tsx.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCliBundle, currentBuild, defaultCacheDir } from "../../scripts/cli-bundle.mjs";
import { listMigrations } from "../../server/db/migrate.ts";
import { useTestDatabase } from "../support/database.ts";
import { repoRoot } from "../support/yubin-process.ts";

const run = promisify(execFile);
const node = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env } });

// The bundle imports its dependencies by name, so it only runs from inside the
// checkout's node_modules: these caches sit beside the real one, and go after.
const caches: string[] = [];
function scratchCache(): string {
  const parent = path.join(defaultCacheDir, "..");
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, "test-"));
  caches.push(dir);
  return dir;
}

let cacheDir: string;
let build: string;

beforeAll(async () => {
  cacheDir = scratchCache();
  build = (await buildCliBundle({ cacheDir })) as string;
});

afterAll(() => {
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
});

describe("the CLI bundle", () => {
  it("is current for the test run (global setup), so `yubin` in the tests runs it", () => {
    expect(currentBuild({ cacheDir: defaultCacheDir })).toMatch(/node_modules\/\.cache\/yubin\/cli\//);
  });

  it("runs commands as the sources do, finding files beside the sources (the migrations)", async () => {
    const env = { DATABASE_URL: await useTestDatabase() };
    // As bin/yubin runs a command other than start.
    const yubin = (args: string[]) => node(["--liftoff-only", path.join(build, "main.js"), ...args], env);
    const [help, status, missing] = await Promise.all([
      yubin(["--help"]),
      yubin(["status"]),
      yubin(["domain", "show", "nowhere.test"]).catch((e: unknown) => e),
    ]);
    expect(help.stdout).toMatch(/^usage:\n {2}yubin start/);
    expect(status.stdout).toMatch(new RegExp(`^database: up, ${listMigrations().length} migrations applied$`, "m"));
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("no domain nowhere.test") });
  });

  it("carries Prisma's query compiler as a WebAssembly file rather than as base64 in a module", () => {
    const wasm = readFileSync(path.join(build, "query-compiler.wasm"));
    expect(wasm.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d])); // "\0asm"
    expect(() => new WebAssembly.Module(wasm)).not.toThrow();
  });

  it("is the same build until an input changes, then stale", () => {
    expect(currentBuild({ cacheDir })).toBe(build);
    const manifestFile = path.join(cacheDir, "current.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    const inputs: [string, number, number][] = manifest.inputs;
    expect(inputs.map(([file]) => file)).toEqual(
      expect.arrayContaining(["cli/main.ts", "cli/run.ts", "server/db.ts", "mail-daemons/smtp/mx-worker.ts"]),
    );
    const edited = (change: (m: typeof manifest) => void) => {
      const copy = structuredClone(manifest);
      change(copy);
      writeFileSync(manifestFile, JSON.stringify(copy));
      return currentBuild({ cacheDir });
    };
    try {
      expect(edited((m) => (m.inputs[0][1] += 1))).toBeNull(); // touched
      expect(edited((m) => (m.inputs[0][2] += 1))).toBeNull(); // other size
      expect(edited((m) => m.inputs.push(["cli/gone.ts", 0, 0]))).toBeNull();
      expect(edited((m) => (m.node = "0"))).toBeNull();
      expect(edited(() => {})).toBe(build);
    } finally {
      writeFileSync(manifestFile, JSON.stringify(manifest));
    }
  });

  it("leaves the build to a process that holds the lock", async () => {
    const other = scratchCache();
    mkdirSync(path.join(other, "lock"));
    expect(await buildCliBundle({ cacheDir: other })).toBeNull();
  });

  it("runs the sources through tsx when there is no bundle and it may not build one", async () => {
    const empty = scratchCache();
    const script = `import { runEntry } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, "scripts/cli-bundle.mjs")).href)};
      await runEntry("main", { build: false, cacheDir: ${JSON.stringify(empty)} });`;
    const help = await node(["--input-type=module", "-e", script, "yubin", "--help"]);
    expect(help.stdout).toMatch(/^usage:\n {2}yubin start/);
    expect(currentBuild({ cacheDir: empty })).toBeNull();
  });
});
