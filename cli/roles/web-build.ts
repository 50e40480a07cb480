// `npm start` on a fresh clone must work without a separate build step: build
// the Next.js app when there is no build, or when sources are newer than it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** The checkout: the Next.js app's directory. */
export const projectRoot = path.resolve(new URL("../..", import.meta.url).pathname);

const SOURCES = ["app", "server", "proxy.ts", "next.config.js", "postcss.config.mjs", "package-lock.json"];
const SKIP = new Set(["generated", "node_modules"]);

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (SKIP.has(entry)) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

export function webBuildIsCurrent(root: string): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.every((s) => newestMtime(path.join(root, s)) <= built);
}

export function buildWeb(root: string, log: (line: string) => void): void {
  log("building the web app (first start or changed sources; this takes a minute)");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("the web app failed to build (see the output above)");
}
