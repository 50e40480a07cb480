// The yubin command as precompiled JavaScript. Run through tsx, every start
// transforms TypeScript and routes each import — Next.js, Prisma's 4.5 MB
// query-compiler module — through tsx's loader thread: about a third of a
// short command's CPU (docs/benchmarks.md, "CLI start-up"). So bin/yubin runs an
// esbuild bundle of cli/ (and the MX cluster worker) when one matches the
// sources, and builds it when it does not; tsx stays the fallback, so a fresh
// clone, an edited source or a read-only install all still work.
//
// The bundle lives in node_modules/.cache/yubin/cli/<build>/; `current.json`
// names the current build and the size and mtime of every source file that
// went into it. Builds are never changed in place: a new one gets a new
// directory and then `current.json` is replaced atomically, so a process that
// is loading the previous build keeps a consistent set of files.
//
// Usage: node scripts/cli-bundle.mjs   (builds if stale; `npm install` runs it)
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const defaultCacheDir = path.join(repoRoot, "node_modules", ".cache", "yubin", "cli");

/** The programs in the bundle: file name in the build → source. */
export const ENTRIES = {
  main: "cli/main.ts",
  "mx-worker": "mail-daemons/smtp/mx-worker.ts",
};

/** Read by esbuild besides the sources it lists as inputs. */
const CONFIG_INPUTS = ["package.json", "tsconfig.json", "scripts/cli-bundle.mjs"];

/** A build older than this that is no longer current is removed by the next build. */
const KEEP_OLD_BUILDS_MS = 10 * 60_000;
/** Another process's build lock counts as abandoned after this. */
const LOCK_STALE_MS = 60_000;

function fingerprint(root, file) {
  const s = statSync(path.join(root, file));
  return [file, s.mtimeMs, s.size];
}

/**
 * The directory of the current build when every input still has the size and
 * mtime it had when built (and the build is for this Node.js major), else null.
 */
export function currentBuild({ root = repoRoot, cacheDir = defaultCacheDir } = {}) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(cacheDir, "current.json"), "utf8"));
  } catch {
    return null;
  }
  if (manifest.node !== process.versions.node.split(".")[0] || !Array.isArray(manifest.inputs)) return null;
  try {
    for (const [file, mtimeMs, size] of manifest.inputs) {
      const [, m, s] = fingerprint(root, file);
      if (m !== mtimeMs || s !== size) return null;
    }
  } catch {
    return null; // an input is gone
  }
  const dir = path.join(cacheDir, manifest.build);
  try {
    statSync(path.join(dir, "main.js"));
  } catch {
    return null;
  }
  return dir;
}

/**
 * esbuild puts every module into one directory of chunks, so `import.meta.url`
 * would name the chunk rather than the source file; code that finds files
 * beside its source (migrations, the MX worker entry, package.json of a
 * dependency) gets the source file's URL instead, relative to the chunk so that
 * the checkout may move.
 */
function sourceUrlPlugin(outDir, root) {
  return {
    name: "source-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        let source = await readFile(args.path, "utf8");
        const loader = args.path.endsWith("x") ? "tsx" : "ts";
        if (source.includes("import.meta.url")) {
          const relative = path.relative(outDir, args.path).split(path.sep).join("/");
          source = source.replaceAll("import.meta.url", `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
        }
        return { contents: await wasmFromFile(source, outDir, root), loader };
      });
    },
  };
}

/**
 * The generated Prisma client loads its query compiler from a 4.5 MB module
 * holding the WebAssembly as base64, and decodes it: a fifth of a short
 * command's CPU, with the garbage it leaves. The bundle carries the decoded
 * bytes as a file beside it instead. Should Prisma's generated code change
 * shape, the pattern no longer matches and the bundle loads it Prisma's way.
 */
const WASM_BASE64_IMPORT =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[\w.]+\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)/;

async function wasmFromFile(source, outDir, root) {
  const match = WASM_BASE64_IMPORT.exec(source);
  if (!match) return source;
  const resolved = createRequire(path.join(root, "package.json")).resolve(match[1]);
  const { wasm } = await import(pathToFileURL(resolved).href);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "query-compiler.wasm"), Buffer.from(wasm, "base64"));
  const load =
    'const { readFile } = await import("node:fs/promises");\n' +
    '    return new WebAssembly.Module(await readFile(new URL("./query-compiler.wasm", import.meta.url)))';
  return source.replace(match[0], load);
}

function takeLock(lock) {
  try {
    mkdirSync(lock);
    return true;
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
  }
  try {
    if (Date.now() - statSync(lock).mtimeMs < LOCK_STALE_MS) return false;
    rmSync(lock, { recursive: true, force: true });
    mkdirSync(lock);
    return true;
  } catch {
    return false;
  }
}

function removeOldBuilds(cacheDir, keep) {
  for (const entry of readdirSync(cacheDir)) {
    if (entry === keep || entry === "current.json" || entry === "lock" || entry.endsWith(".tmp")) continue;
    const dir = path.join(cacheDir, entry);
    try {
      if (Date.now() - statSync(dir).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // another build removed it
    }
  }
}

/**
 * Builds the bundle unless it is current. Returns the build's directory, or
 * null when another process is building it right now (the caller then runs
 * the sources through tsx). Throws when esbuild fails.
 */
export async function buildCliBundle({ root = repoRoot, cacheDir = defaultCacheDir } = {}) {
  const current = currentBuild({ root, cacheDir });
  if (current) return current;
  mkdirSync(cacheDir, { recursive: true });
  const lock = path.join(cacheDir, "lock");
  if (!takeLock(lock)) return null;
  try {
    const build = `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    const outDir = path.join(cacheDir, build);
    // Fingerprints taken before esbuild reads the files: an edit during the build makes it stale, not wrong.
    const config = CONFIG_INPUTS.map((file) => fingerprint(root, file));
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
      outdir: outDir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      // Dependencies load from node_modules as usual (native modules, Next.js, Prisma's runtime).
      packages: "external",
      chunkNames: "chunk-[hash]",
      // Not loaded unless asked for: NODE_OPTIONS=--enable-source-maps yubin …
      sourcemap: "linked",
      metafile: true,
      logLevel: "silent",
      plugins: [sourceUrlPlugin(outDir, root)],
    });
    const sources = Object.keys(result.metafile.inputs)
      .map((input) => path.relative(root, path.resolve(root, input)))
      .filter((file) => !file.startsWith(".."));
    const manifest = {
      build,
      node: process.versions.node.split(".")[0],
      inputs: [...sources.map((file) => fingerprint(root, file)), ...config],
    };
    const next = path.join(cacheDir, `current.json.${build}.tmp`);
    writeFileSync(next, `${JSON.stringify(manifest)}\n`);
    renameSync(next, path.join(cacheDir, "current.json"));
    removeOldBuilds(cacheDir, build);
    return outDir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Runs one of ENTRIES: from a current bundle, building it first if needed
 * (`build: false` only uses one that exists), else from the TypeScript
 * sources through tsx.
 */
export async function runEntry(name, { build = true, cacheDir = defaultCacheDir } = {}) {
  let dir = currentBuild({ cacheDir });
  if (!dir && build) {
    try {
      dir = await buildCliBundle({ cacheDir });
    } catch {
      // No esbuild, a read-only install, or a source that does not compile:
      // tsx runs the sources and reports any error the way it always has.
      dir = null;
    }
  }
  if (dir) {
    await import(pathToFileURL(path.join(dir, `${name}.js`)).href);
    return;
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(path.join(repoRoot, ENTRIES[name])).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const dir = await buildCliBundle();
  console.log(
    dir
      ? `yubin CLI bundle: ${path.relative(repoRoot, dir)} (${Math.round(performance.now() - started)} ms)`
      : "yubin CLI bundle: another process is building it",
  );
}
