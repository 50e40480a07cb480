// mbsync (isync, the Debian package) against a started Yubin: a shared
// mailbox's INBOX mirrored to a local Maildir over implicit TLS, then a flag
// set and a message deleted in the Maildir pushed back, and seen in the
// store and over IMAP. Skipped, with the reason, only where mbsync is absent
// (CI installs isync).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../../server/db.ts";
import { makeUser, TEST_PASSWORD } from "../../support/factories.ts";
import { deliverToYubin, startMailApp } from "../../support/mail-app.ts";
import { freePort, scratchDir, type YubinProcess } from "../../support/yubin-process.ts";
import { testTls } from "./support/imap-fixture.ts";

const run = promisify(execFile);
const MBSYNC = ["/usr/bin/mbsync", "/usr/local/bin/mbsync"].find((candidate) => existsSync(candidate));
const ADMIN = { email: "admin@example.com", password: "admin-password-1" };
const SUPPORT = "support@example.com";
const AGENT = "agent@example.com";
const PATH = `Shared/${SUPPORT}/INBOX`;

describe.skipIf(!MBSYNC)(
  `mbsync interop${MBSYNC ? "" : " (skipped: mbsync is not installed; apt-get install isync)"}`,
  () => {
    let yubin: YubinProcess;
    let smtpPort: number;
    let imapsPort: number;
    let dir: string;
    let config: string;

    beforeAll(async () => {
      dir = scratchDir("mbsync-");
      mkdirSync(path.join(dir, "mail"));
      const tls = testTls();
      writeFileSync(path.join(dir, "cert.pem"), tls.cert);
      writeFileSync(path.join(dir, "key.pem"), tls.key);
      imapsPort = await freePort();
      ({ yubin, smtpPort } = await startMailApp({
        admin: ADMIN,
        roles: "mail",
        env: {
          YUBIN_IMAPS_PORT: String(imapsPort),
          YUBIN_IMAP_PORT: String(await freePort()),
          YUBIN_TLS_CERT: path.join(dir, "cert.pem"),
          YUBIN_TLS_KEY: path.join(dir, "key.pem"),
        },
      }));
      const support = await db().mailbox.findUniqueOrThrow({ where: { address: SUPPORT } });
      const userId = await makeUser(AGENT);
      await db().membership.create({ data: { mailboxId: support.id, userId } });
      config = path.join(dir, "mbsyncrc");
      // isync 1.4: Far is the server, Near the Maildir. The certificate is trusted by listing it.
      writeFileSync(
        config,
        `IMAPAccount yubin
Host localhost
Port ${imapsPort}
User ${AGENT}
Pass "${TEST_PASSWORD}"
SSLType IMAPS
CertificateFile ${path.join(dir, "cert.pem")}

IMAPStore far
Account yubin

MaildirStore near
Path ${path.join(dir, "mail")}/
Inbox ${path.join(dir, "mail", "INBOX")}
SubFolders Verbatim

Channel shared
Far :far:"${PATH}"
Near :near:shared
Create Near
Sync All
Expunge Both
SyncState *
`,
      );
    }, 120_000);

    afterAll(async () => {
      await yubin?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const sync = async () => {
      try {
        await run(MBSYNC as string, ["-c", config, "shared"], { timeout: 60_000, env: { ...process.env, HOME: dir } });
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        throw new Error(`mbsync failed: ${failed.stderr ?? ""}${failed.stdout ?? ""}`);
      }
    };

    /** The Maildir's messages: file name (with its ":2,FLAGS" info) and Subject. */
    const maildir = () => {
      const folder = path.join(dir, "mail", "shared");
      return ["cur", "new"].flatMap((sub) =>
        readdirSync(path.join(folder, sub)).map((name) => {
          const file = path.join(folder, sub, name);
          const subject = /^Subject: (.*)$/m.exec(readFileSync(file, "latin1"))?.[1]?.trim() ?? "";
          return { file, name, subject };
        }),
      );
    };

    it("mirrors Shared/…/INBOX to a Maildir and pushes a flag and a deletion back", async () => {
      for (const subject of ["first", "second", "third"])
        await deliverToYubin(smtpPort, { from: "c@outside.example", to: SUPPORT, subject, text: `About ${subject}.` });
      await sync();
      const mirrored = maildir();
      expect(mirrored.map((message) => message.subject).sort()).toEqual(["first", "second", "third"]);

      // In the Maildir: "second" flagged (info F), "third" deleted.
      const second = mirrored.find((message) => message.subject === "second");
      const third = mirrored.find((message) => message.subject === "third");
      if (!second || !third) throw new Error("messages missing");
      const info = /:2,([A-Z]*)$/.exec(second.name);
      const flagged = info
        ? second.file.replace(/:2,[A-Z]*$/, `:2,${[...`${info[1]}F`].sort().join("")}`)
        : `${second.file}:2,F`;
      renameSync(second.file, flagged.replace(`${path.sep}new${path.sep}`, `${path.sep}cur${path.sep}`));
      rmSync(third.file);
      await sync();

      // The store: "third" is gone from the folder, "second" carries \Flagged.
      const support = await db().mailbox.findUniqueOrThrow({ where: { address: SUPPORT } });
      const inbox = await db().folder.findUniqueOrThrow({
        where: { mailboxId_name: { mailboxId: support.id, name: "INBOX" } },
      });
      const entries = await db().folderMessage.findMany({
        where: { folderId: inbox.id },
        select: { uid: true, flags: true, message: { select: { subject: true } } },
        orderBy: { uid: "asc" },
      });
      expect(entries.map((entry) => entry.message.subject)).toEqual(["first", "second"]);
      expect(entries.find((entry) => entry.message.subject === "second")?.flags).toContain("\\Flagged");
      expect(entries.find((entry) => entry.message.subject === "first")?.flags).not.toContain("\\Flagged");

      // And over IMAP, as any other client sees it.
      const client = new ImapFlow({
        host: "127.0.0.1",
        port: imapsPort,
        secure: true,
        tls: { rejectUnauthorized: false },
        auth: { user: AGENT, pass: TEST_PASSWORD },
        logger: false,
      });
      await client.connect();
      try {
        await client.mailboxOpen(PATH);
        const seen: Array<{ subject: string; flagged: boolean }> = [];
        for await (const message of client.fetch("1:*", { envelope: true, flags: true }))
          seen.push({ subject: message.envelope?.subject ?? "", flagged: message.flags?.has("\\Flagged") ?? false });
        expect(seen).toEqual([
          { subject: "first", flagged: false },
          { subject: "second", flagged: true },
        ]);
      } finally {
        await client.logout();
      }

      // A third run changes nothing: the mirror and the store agree.
      await sync();
      expect(
        maildir()
          .map((message) => message.subject)
          .sort(),
      ).toEqual(["first", "second"]);
    }, 180_000);
  },
);
