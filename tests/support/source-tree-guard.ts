// A test run must leave the checkout as it found it: runtime files (data dirs,
// logs, pid files, generated secrets) belong under the run's scratch dir or in
// ignored paths, never in the source tree. The global setup records
// `git status --porcelain` before the run and fails the run if any entry is
// new afterwards (entries a developer already had stay allowed).
import { execFileSync } from "node:child_process";

export function gitStatusEntries(cwd: string): string[] {
  const out = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd, encoding: "utf8" });
  return out.split("\n").filter(Boolean);
}

export function newEntries(before: string[], after: string[]): string[] {
  const seen = new Set(before);
  return after.filter((entry) => !seen.has(entry));
}

/** Returns a check to run after the suite: throws, naming the files, when the run left any. */
export function guardSourceTree(cwd: string): () => void {
  const before = gitStatusEntries(cwd);
  return () => {
    const left = newEntries(before, gitStatusEntries(cwd));
    if (left.length > 0) {
      throw new Error(`the test run left files in the source tree (git status --porcelain):\n${left.join("\n")}`);
    }
  };
}
