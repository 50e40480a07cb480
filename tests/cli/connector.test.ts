// yubin connector as an admin runs it, against a real Dovecot on loopback:
// add tests the connection first (and saves nothing when a step fails,
// naming it), reads the password from a file and never prints or stores it
// in the clear; list, test, pause, resume and remove; and a started Yubin's
// mail role takes the connector up and imports the remote INBOX.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "../../server/db/raw-sql.ts";
import { db } from "../../server/db.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { type Dovecot, dovecotMissing, startDovecot } from "../support/dovecot.ts";
import { customerMail, makeDomain, makeSharedMailbox } from "../support/factories.ts";
import { waitFor } from "../support/wait.ts";
import { scratchDir, startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const missing = dovecotMissing();
const PASSWORD = "cli-remote-secret";
const USER = "support@remote.example";
const dir = scratchDir("connector-cli-");
const dataDir = scratchDir("connector-cli-data-");
let dovecot: Dovecot;
let env: Record<string, string>;
let yubin: YubinProcess | undefined;
let mailboxId = 0;
const passwordFile = path.join(dir, "password");
const wrongFile = path.join(dir, "wrong");
const url = () => `imaps://${encodeURIComponent(USER)}@localhost:${dovecot.imapsPort}`;

describe.skipIf(missing !== null)("yubin connector", () => {
  beforeAll(async () => {
    env = { DATABASE_URL: await useTestDatabase(), YUBIN_DATA_DIR: dataDir };
    await makeDomain("example.com");
    mailboxId = await makeSharedMailbox("support@example.com", []);
    await makeSharedMailbox("other@example.com", []);
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    writeFileSync(wrongFile, "not-it\n");
    dovecot = await startDovecot({ [USER]: PASSWORD });
    await dovecot.append(USER, "INBOX", [customerMail({ subject: "From the old mailbox" }).raw]);
  }, 30_000);

  afterAll(async () => {
    await yubin?.stop();
    await dovecot?.stop();
  });

  it("adds a connector after testing it, keeping the password sealed", async () => {
    const r = await runCli(
      [
        "connector",
        "add",
        "support@example.com",
        url(),
        "--password-file",
        passwordFile,
        "--ca-file",
        dovecot.certFile,
      ],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Connected, signed in and opened INBOX 1 messages");
    expect(r.stdout).toMatch(
      /connector #1 added: imaps:\/\/support%40remote\.example@localhost:\d+ → support@example\.com/,
    );
    expect(r.stdout).not.toContain(PASSWORD);
    const c = await db().connector.findFirstOrThrow();
    expect(c).toMatchObject({
      username: USER,
      host: "localhost",
      tls: "implicit",
      folders: ["INBOX"],
      checkCertificate: true,
    });
    expect(c.passwordBox).not.toContain(PASSWORD);
    expect(c.passwordBox).not.toContain(Buffer.from(PASSWORD).toString("base64"));
    const audit = await db().auditEvent.findMany({ where: { action: "connector.add" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  }, 30_000);

  it("saves nothing when a step fails, and says which", async () => {
    const auth = await runCliInProcess(
      ["connector", "add", "other@example.com", url(), "--password-file", wrongFile, "--ca-file", dovecot.certFile],
      env,
    );
    expect(auth.code).toBe(1);
    expect(auth.stderr).toMatch(
      /^yubin: Authentication: localhost:\d+ refused the user name or password.*nothing saved/,
    );
    const tls = await runCliInProcess(
      ["connector", "add", "other@example.com", url(), "--password-file", passwordFile],
      env,
    );
    expect(tls.code).toBe(1);
    expect(tls.stderr).toMatch(/^yubin: TLS: /);
    const folder = await runCliInProcess(
      [
        "connector",
        "add",
        "other@example.com",
        url(),
        "--password-file",
        passwordFile,
        "--ca-file",
        dovecot.certFile,
        "--folders",
        "INBOX,Archive",
      ],
      env,
    );
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/^yubin: Folder: "Archive" cannot be opened/);
    expect(await db().connector.count()).toBe(1);
    const bad = [
      [
        ["connector", "add", "other@example.com", "https://x@host", "--password-file", passwordFile],
        1,
        /not imaps: or imap:/,
      ],
      [
        ["connector", "add", "other@example.com", "imaps://u:pw@host", "--password-file", passwordFile],
        1,
        /--password-file, not in the URL/,
      ],
      [
        ["connector", "add", "other@example.com", "imaps://host:993", "--password-file", passwordFile],
        1,
        /names no user/,
      ],
      [["connector", "add", "other@example.com", url()], 2, /needs --password-file/],
      [
        ["connector", "add", "other@example.com", url(), "--password-file", path.join(dir, "nope")],
        1,
        /cannot read .*ENOENT/,
      ],
      [
        ["connector", "add", "other@example.com", url(), "--password-file", passwordFile, "--since", "yesterday"],
        1,
        /not a date/,
      ],
      [["connector", "pause", "x1"], 1, /not a connector id/],
      [["connector", "remove", "99"], 1, /no connector 99/],
      [["connector", "frobnicate"], 2, /needs one of/],
    ] as const;
    for (const [args, code, message] of bad) {
      const r = await runCliInProcess([...args], env);
      expect([r.code, r.stderr], args.join(" ")).toEqual([code, expect.stringMatching(message)]);
    }
  });

  it("takes imap:// as STARTTLS, and --since", async () => {
    const starttls = await runCliInProcess(
      [
        "connector",
        "add",
        "other@example.com",
        `imap://${encodeURIComponent(USER)}@localhost:${dovecot.imapPort}`,
        "--password-file",
        passwordFile,
        "--ca-file",
        dovecot.certFile,
        "--since",
        "2026-01-01",
      ],
      env,
    );
    expect([starttls.stderr, starttls.code]).toEqual(["", 0]);
    expect(await db().connector.findFirstOrThrow({ where: { id: 2 } })).toMatchObject({
      tls: "starttls",
      since: new Date("2026-01-01T00:00:00Z"),
    });
    const r = await runCliInProcess(["connector", "remove", "2"], env);
    expect(r.stdout).toMatch(/connector #2 removed/);
  });

  it("lists, tests, pauses and resumes; the mail role imports the remote mail", async () => {
    const test = await runCliInProcess(["connector", "test", "1"], env);
    expect([test.code, test.stdout]).toEqual([0, expect.stringContaining("Connected, signed in")]);
    const paused = await runCliInProcess(["connector", "pause", "1"], env);
    expect(paused.stdout).toMatch(
      /^#1 support@example\.com ← imaps:\/\/support%40remote\.example@localhost:\d+ \(INBOX\)\n {2}paused; 0 imported; last sync never$/m,
    );
    // Paused: a started mail role does not take it up.
    yubin = await startYubinProcess({ roles: "mail", dataDir, env: { DATABASE_URL: env.DATABASE_URL as string } });
    const resumed = await runCliInProcess(["connector", "resume", "1"], env);
    expect(resumed.code).toBe(0);
    await waitFor("the remote message imported", async () => {
      const [row] = await sql.$queryRaw<{ n: number }[]>`
        select count(*)::int as n from "Message" where "mailboxId" = ${mailboxId}::int and subject = 'From the old mailbox'`;
      return row?.n === 1;
    });
    const list = await runCliInProcess(["connector", "list", "--json"], env);
    const [view] = JSON.parse(list.stdout);
    expect(view).toMatchObject({ id: 1, imported: 1, paused: false });
    expect(list.stdout).not.toContain("password");
  }, 60_000);

  it("edits a connector: write-back and a relay set, the passwords and the sync state kept", async () => {
    const relayFile = path.join(dir, "relay-password");
    writeFileSync(relayFile, "relay-secret-1\n");
    const before = await db().connectorFolder.findMany({ where: { connectorId: 1 } });
    const relay = "smtp://support%40remote.example@smtp.remote.example:587";
    const r = await runCliInProcess(
      [
        "connector",
        "edit",
        "1",
        "--mark-seen",
        "imported",
        "--move-to",
        "Done",
        "--relay",
        relay,
        "--relay-password-file",
        relayFile,
      ],
      env,
    );
    expect([r.stderr, r.code]).toEqual(["", 0]);
    expect(r.stdout).toContain(
      `write-back: mark seen on import, move to Done; replies from support@example.com via ${relay}`,
    );
    expect(r.stdout).toContain("sync state kept");
    expect(r.stdout).not.toContain("relay-secret-1");
    const row = await db().connector.findUniqueOrThrow({ where: { id: 1 } });
    expect(row).toMatchObject({
      markSeen: "imported",
      moveTo: "Done",
      relayHost: "smtp.remote.example",
      relayPort: 587,
      relayTls: "starttls",
      relayUsername: "support@remote.example",
    });
    expect(row.relayPasswordBox).not.toContain("relay-secret-1");
    expect(await db().connectorFolder.findMany({ where: { connectorId: 1 } })).toEqual(before);
    // `set` is the same command. The same relay host and user keep the stored password; another needs its own.
    const port = await runCliInProcess(["connector", "set", "1", "--relay", relay.replace(":587", ":2587")], env);
    expect([port.stderr, port.code]).toEqual(["", 0]);
    expect((await db().connector.findUniqueOrThrow({ where: { id: 1 } })).relayPasswordBox).toBe(row.relayPasswordBox);
    const bad = [
      [["connector", "edit", "1"], 2, /nothing to change/],
      [["connector", "edit", "1", "--relay", relay, "--no-relay"], 2, /cannot go together/],
      [["connector", "edit", "1", "--mark-seen", "sometimes"], 2, /not off, imported or closed/],
      [["connector", "edit", "1", "--relay", "smtp://other@smtp.remote.example:587"], 1, /needs its password too/],
      [["connector", "edit", "1", "--relay", "https://u@h"], 1, /not smtp: or smtps:/],
      [["connector", "edit", "1", "--relay", "smtp://u:pw@h"], 1, /--relay-password-file/],
      [["connector", "edit", "1", "--relay-password-file", relayFile], 2, /goes with --relay/],
      [["connector", "edit", "1", "--move-to", "INBOX"], 1, /cannot also be where imported mail is moved/],
      [["connector", "edit", "1", "--url", `imaps://someone@localhost:${dovecot.imapsPort}`], 1, /needs its password/],
      [["connector", "edit", "77", "--mark-seen", "off"], 1, /no connector 77/],
    ] as const;
    for (const [args, code, message] of bad) {
      const b = await runCliInProcess([...args], env);
      expect([b.code, b.stderr], args.join(" ")).toEqual([code, expect.stringMatching(message)]);
    }
    const off = await runCliInProcess(["connector", "edit", "1", "--mark-seen", "off", "--no-move", "--no-relay"], env);
    expect(off.stdout).toContain("write-back: off; replies from support@example.com via the queue's own route");
    expect(await db().connector.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      relayHost: null,
      relayPasswordBox: null,
      moveTo: null,
    });
    const audit = await db().auditEvent.findMany({ where: { action: "connector.edit" } });
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toContain("relay-secret-1");
  });
});
