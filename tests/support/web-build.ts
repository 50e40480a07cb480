// Builds the web app once per test run (not per file), when it is missing or stale.
import { buildWeb, webBuildIsCurrent } from "../../cli/roles/web-build.ts";
import { repoRoot } from "./yubin-process.ts";

export function ensureWebBuild(): void {
  if (!webBuildIsCurrent(repoRoot)) buildWeb(repoRoot, (line) => console.log(line));
}
