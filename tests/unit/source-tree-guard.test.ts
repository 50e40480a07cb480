// The guard the global setup runs around every test run (support/source-tree-guard.ts):
// a file a run leaves in the checkout fails the run, one that was already there does not.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { guardSourceTree, newEntries } from "../support/source-tree-guard.ts";

function gitRepo(): string {
  const dir = mkdtempSync(path.join(process.env.YUBIN_TEST_SCRATCH ?? os.tmpdir(), "git-guard-"));
  execFileSync("git", ["init", "-q", dir]);
  writeFileSync(path.join(dir, ".gitignore"), "data/\n*.log\n");
  return dir;
}

describe("source tree guard", () => {
  it("fails when the run leaves a new file, and names it", () => {
    const repo = gitRepo();
    const check = guardSourceTree(repo);
    writeFileSync(path.join(repo, "pg-password"), "secret");
    expect(check).toThrow(/pg-password/);
  });

  it("passes for ignored runtime files and for entries that were there before", () => {
    const repo = gitRepo();
    writeFileSync(path.join(repo, "work-in-progress.ts"), "");
    const check = guardSourceTree(repo);
    writeFileSync(path.join(repo, "postgres.log"), "log");
    expect(check).not.toThrow();
  });

  it("compares entries, not counts", () => {
    expect(newEntries(["?? a"], ["?? b"])).toEqual(["?? b"]);
    expect(newEntries(["?? a", "?? b"], ["?? a"])).toEqual([]);
  });
});
