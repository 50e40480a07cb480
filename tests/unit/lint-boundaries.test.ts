// The dependency rule that lint enforces (README "Dependency rule"): only the
// domain layer in server/ talks to the database; app/, cli/, mail-daemons/
// and the tRPC layer server/api/ call domain functions instead. This runs the
// project's own biome.json on fixtures placed at those paths and proves that a
// deliberate violation fails — in the relative spelling real imports use — and
// that an allowed import passes. And only the authority gate mints the
// branded ids that domain functions take.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, scratchDir } from "../support/yubin-process.ts";

const biome = path.join(repoRoot, "node_modules", ".bin", "biome");

const importing = (specifier: string) => `import { x } from "${specifier}";\n\nexport const y = x;\n`;

const refused: [string, string][] = [
  ["server/api/routers/notes.ts", "../../db.ts"],
  ["server/api/trpc.ts", "../db.ts"],
  ["server/api/routers/notes.ts", "../../db/raw-sql.ts"],
  ["server/api/routers/notes.ts", "../../generated/prisma/client.ts"],
  ["mail-daemons/smtp/submission-store-backend.ts", "../../server/db.ts"],
  ["mail-daemons/imap/session.ts", "../../server/db/raw-sql.ts"],
  ["mail-daemons/pop3/session.ts", "pg"],
  ["cli/commands/mailbox-command.ts", "@prisma/client"],
  ["cli/roles/start.ts", "@prisma/adapter-pg"],
  ["app/(app)/inbox/page.tsx", "../../../server/db.ts"],
  ["app/api/messages/message-request.ts", "../../../server/generated/prisma/client.ts"],
];

const allowed: [string, string][] = [
  ["server/api/routers/notes.ts", "../../notes/list-notes.ts"],
  ["server/api/trpc.ts", "../access/gate.ts"],
  ["mail-daemons/smtp/submission-store-backend.ts", "../../server/access/gate.ts"],
  ["app/api/messages/message-request.ts", "../../../server/access/gate.ts"],
  // The domain layer itself talks to the database.
  ["server/mailboxes/list-member-mailboxes.ts", "../db.ts"],
  ["server/access/gate.ts", "../db/raw-sql.ts"],
];

/**
 * Lints every fixture in one run with the project's own biome.json, each as
 * if it sat at its path in the tree (numbered, so one path can serve several
 * cases); the rules each file broke, by fixture.
 */
function lintFixtures(fixtures: [string, string][]): Map<[string, string], string[]> {
  const dir = scratchDir("yubin-lint-");
  copyFileSync(path.join(repoRoot, "biome.json"), path.join(dir, "biome.json"));
  const files = fixtures.map(([file, specifier], i) => {
    const numbered = file.replace(/(\.tsx?)$/, `.${i}$1`);
    mkdirSync(path.dirname(path.join(dir, numbered)), { recursive: true });
    writeFileSync(path.join(dir, numbered), importing(specifier));
    return numbered;
  });
  // The scratch dir is no git checkout: the VCS integration (ignore files) has nothing to read there.
  const run = spawnSync(biome, ["lint", "--vcs-enabled=false", "--reporter=github", "--max-diagnostics=none", "."], {
    cwd: dir,
    encoding: "utf8",
  });
  // ::error title=lint/style/noRestrictedImports,file=<dir>/server/api/trpc.1.ts,line=1,...::message
  const broken = [...run.stdout.matchAll(/^::\w+ title=([^,]+),file=([^,]+),/gm)];
  return new Map(
    fixtures.map((fixture, i) => [
      fixture,
      broken
        .filter((m) => path.resolve(dir, m[2] as string) === path.join(dir, files[i] as string))
        .map((m) => m[1] as string),
    ]),
  );
}

describe("lint: who may import the database", () => {
  const results = lintFixtures([...refused, ...allowed]);

  it.each(refused)("refuses %s importing %s", (file, specifier) => {
    const fixture = [...results.keys()].find(([f, s]) => f === file && s === specifier) as [string, string];
    expect(new Set(results.get(fixture))).toEqual(new Set(["lint/style/noRestrictedImports"]));
  });

  it.each(allowed)("lets %s import %s", (file, specifier) => {
    const fixture = [...results.keys()].find(([f, s]) => f === file && s === specifier) as [string, string];
    expect(results.get(fixture)).toEqual([]);
  });
});

describe("authority brands", () => {
  it("are minted only by the gate (server/access/gate.ts)", () => {
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.tsx"], {
      cwd: repoRoot,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => f && f !== "server/access/gate.ts" && !f.startsWith("server/generated/"));
    const casts = files.filter((f) => {
      try {
        return /\bas\s+(?:unknown\s+as\s+)?Authorized(?:Mailbox|Conversation|Message)Id\b/.test(
          readFileSync(path.join(repoRoot, f), "utf8"),
        );
      } catch {
        return false; // deleted in the working tree
      }
    });
    expect(casts).toEqual([]);
  });
});
