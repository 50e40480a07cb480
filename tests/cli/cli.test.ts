// The CLI against a real PostgreSQL. Each command family runs at least once as
// a real `yubin` process, as a user runs it (runCli); the other cases run the
// same command code in this process (runCliInProcess), which spares a second
// or so of CPU per call (tests/README.md).
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../server/auth/passwords.ts";
import { listMigrations } from "../../server/db/migrate.ts";
import { db } from "../../server/db.ts";
import { type CliResult, runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";

let env: Record<string, string>;

beforeAll(async () => {
  env = { DATABASE_URL: await useTestDatabase() };
});

describe("yubin domain", () => {
  it("adds a local domain with a DKIM key and prints the DNS records", async () => {
    const r = await runCli(["domain", "add", "Example.COM"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^example\.com\.\tMX\t10 localhost\.$/m);
    expect(r.stdout).toMatch(/_domainkey\.example\.com\.\tTXT\t\( "v=DKIM1; k=rsa; p=MII/);
    const domain = await db().domain.findUniqueOrThrow({ where: { name: "example.com" } });
    expect(domain.dkimPrivateKey).toContain("BEGIN PRIVATE KEY");
  });

  it("refuses a duplicate and an invalid name", async () => {
    const [dup, bad] = await Promise.all([
      runCliInProcess(["domain", "add", "example.com"], env),
      runCliInProcess(["domain", "add", "exa mple..com"], env),
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("domain example.com already exists");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("is not a valid domain name");
  });

  it("shows the records of an existing domain and refuses an unknown one", async () => {
    const [show, missing] = await Promise.all([
      runCliInProcess(["domain", "show", "example.com"], env),
      runCliInProcess(["domain", "show", "other.org"], env),
    ]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('"v=spf1 mx -all"');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no domain other.org");
  });
});

describe("yubin user", () => {
  it("adds a user on a local domain with a personal mailbox and its folders", async () => {
    const r = await runCli(
      ["user", "add", "Alice@Example.com", "--password", "correct horse battery", "--name", "Alice"],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("added agent alice@example.com with personal mailbox alice@example.com");
    const user = await db().user.findUniqueOrThrow({
      where: { email: "alice@example.com" },
      include: { ownMailbox: { include: { folders: true } } },
    });
    expect(user.role).toBe("agent");
    expect(await verifyPassword(user.passwordHash, "correct horse battery")).toBe(true);
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const folders = user.ownMailbox?.folders.map((f) => f.name).sort();
    expect(folders).toEqual(["Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"]);
    for (const f of user.ownMailbox?.folders ?? []) {
      expect(f.uidNext).toBe(1);
      expect(f.uidValidity).toBeGreaterThan(0);
    }
  });

  it("adds an admin on a non-local domain without a mailbox", async () => {
    const r = await runCliInProcess(["user", "add", "ops@elsewhere.net", "--password", "0123456789", "--admin"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("added admin ops@elsewhere.net\n");
    expect(await db().mailbox.count({ where: { address: "ops@elsewhere.net" } })).toBe(0);
  });

  it("validates its input", async () => {
    const cases: [string[], number, string][] = [
      [["user", "add", "bob@example.com", "--password", "short"], 1, "password must be at least 10 characters"],
      [["user", "add", "not-an-address", "--password", "0123456789"], 1, "is not a valid email address"],
      [["user", "add", "alice@example.com", "--password", "0123456789"], 1, "user alice@example.com already exists"],
      [["user", "add", "bob@example.com"], 2, "--password is required"],
      [["user", "add"], 2, "expected EMAIL"],
      [["user", "add", "bob@example.com", "--password", "0123456789", "--bogus"], 2, "Unknown option '--bogus'"],
      [["user", "frobnicate"], 2, '"yubin user" needs one of: add, invite, list, edit'],
      [["user", "remove"], 2, "expected EMAIL, got nothing"],
    ];
    // None of them changes anything; a real process answers a usage error meanwhile.
    const [unknown, ...results] = await Promise.all([
      runCli(["frobnicate"], env),
      ...cases.map(([args]) => runCliInProcess(args, env)),
    ]);
    for (const [i, [args, code, message]] of cases.entries()) {
      const r = results[i] as CliResult;
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toContain(message);
    }
    expect(unknown?.code).toBe(2);
    expect(unknown?.stderr).toContain('unknown command "frobnicate"');
    expect(unknown?.stderr).toContain("usage:\n  yubin start");
    expect(await db().user.count({ where: { email: "bob@example.com" } })).toBe(0);
  });
});

describe("yubin mailbox", () => {
  it("adds a shared mailbox with members and a quota", async () => {
    const r = await runCli(
      ["mailbox", "add", "support@example.com", "--shared", "--members", "alice@example.com", "--quota", "500MB"],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("added shared mailbox support@example.com (quota 500 MB, members alice@example.com)");
    const mailbox = await db().mailbox.findUniqueOrThrow({
      where: { address: "support@example.com" },
      include: { memberships: { include: { user: true } } },
    });
    expect(mailbox.kind).toBe("shared");
    expect(mailbox.quotaBytes).toBe(500n * 1024n * 1024n);
    expect(mailbox.memberships.map((m) => m.user?.email)).toEqual(["alice@example.com"]);
  });

  it("changes a quota, and refuses bad sizes, unknown mailboxes, foreign domains and unknown members", async () => {
    const cases: [string[], string][] = [
      [["mailbox", "quota", "support@example.com", "lots"], '"lots" is not a size'],
      [["mailbox", "quota", "nobody@example.com", "1GB"], "no mailbox nobody@example.com"],
      [["mailbox", "add", "sales@other.org", "--shared"], "other.org is not a local domain"],
      [["mailbox", "add", "sales@example.com", "--members", "ghost@example.com"], "no user ghost@example.com"],
      [["mailbox", "add", "support@example.com", "--shared"], "support@example.com already exists"],
    ];
    // The refusals change nothing, so they run beside the one change.
    const [ok, ...refused] = await Promise.all([
      runCliInProcess(["mailbox", "quota", "support@example.com", "2GB"], env),
      ...cases.map(([args]) => runCliInProcess(args, env)),
    ]);
    expect(ok?.code).toBe(0);
    expect(ok?.stdout).toContain("quota of support@example.com is now 2 GB");
    for (const [i, [args, message]] of cases.entries()) {
      const r = refused[i] as CliResult;
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain(message);
    }
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
    expect(mailbox.quotaBytes).toBe(2n * 1024n ** 3n);
    expect(await db().mailbox.count({ where: { address: "sales@example.com" } })).toBe(0);
  });

  it("sets where postmaster@ goes and how DMARC is enforced for a domain (yubin domain set)", async () => {
    const r = await runCliInProcess(
      ["domain", "set", "example.com", "--postmaster", "support@example.com", "--dmarc", "quarantine"],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "postmaster@example.com, abuse@example.com: support@example.com\nDMARC: failing mail to Spam, never refused\n",
    );
    const domain = await db().domain.findUniqueOrThrow({
      where: { name: "example.com" },
      include: { postmasterMailbox: true },
    });
    expect([domain.postmasterMailbox?.address, domain.dmarcEnforcement]).toEqual(["support@example.com", "quarantine"]);
    const bad = await runCliInProcess(["domain", "set", "example.com", "--dmarc", "sometimes"], env);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--dmarc is one of policy, quarantine, off")]);
  });

  it("records every change in the audit trail", async () => {
    const actions = (await db().auditEvent.findMany({ orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["domain.add", "user.create", "mailbox.create", "mailbox.quota", "domain.mail_policy"]),
    );
    expect(actions.filter((a) => a === "mailbox.quota")).toHaveLength(1);
  });
});

describe("yubin status", () => {
  it("reports the database and counts, as text and JSON", async () => {
    const [text, json] = await Promise.all([runCliInProcess(["status"], env), runCli(["status", "--json"], env)]);
    expect(text.code).toBe(0);
    const migrations = listMigrations().length;
    expect(text.stdout).toMatch(new RegExp(`^database: up, ${migrations} migrations applied$`, "m"));
    expect(text.stdout).toContain("no Yubin process is running");
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status.database).toEqual({ ok: true, migrationsApplied: migrations, migrationsPending: [] });
    expect(status.counts.users).toBe(2);
  });

  it("exits non-zero when the database is unreachable", async () => {
    const r = await runCli(["status"], { DATABASE_URL: "postgresql://nobody:x@127.0.0.1:1/none" });
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/ECONNREFUSED|connect/);
  });
});
