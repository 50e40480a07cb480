// Import and export against a real PostgreSQL (server/transfer/): a
// real-looking mbox with Japanese mail goes in through the one write path
// (decoded, threaded, searchable, counted), a body line quoted as >From comes
// back as From, a broken message is stored raw and reported; importing it
// again skips every message; an export as mbox and as a zip of .eml imports
// back byte for byte (every message's hash); a full mailbox stops an import at
// a message, and resuming it goes on from there with no duplicate and no gap;
// a job that stops its worker again and again fails instead of looping;
// hostile files (not an mbox, names that climb out, a zip bomb, overlapping
// entries, a symlink in a folder) are bounded and reported.
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { deflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthorizedMailboxId, operatorMailbox } from "../../server/access/gate.ts";
import { sql } from "../../server/db/raw-sql.ts";
import { db } from "../../server/db.ts";
import { TRANSFER_LEASE_MS } from "../../server/limits.ts";
import { parseSearchQuery } from "../../server/search/parse-query.ts";
import { searchConversations } from "../../server/search/search-conversations.ts";
import { runTransfer } from "../../server/transfer/run-transfer.ts";
import { startExport, startImport } from "../../server/transfer/start-transfer.ts";
import { transferNotes } from "../../server/transfer/transfer-admin.ts";
import { claimNextJob, type TransferJob } from "../../server/transfer/transfer-jobs.ts";
import { ZipWriter } from "../../server/transfer/zip-writer.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { scratchDir } from "../support/yubin-process.ts";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const dir = scratchDir("transfer-store-");
let agent = 0;
let support: AuthorizedMailboxId;
let n = 0;

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain("example.com");
  agent = await makeUser("agent@example.com");
  await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  support = await authorized("support@example.com");
});

async function mailbox(): Promise<AuthorizedMailboxId> {
  const address = `box${++n}@example.com`;
  await makeSharedMailbox(address, ["agent@example.com"]);
  return authorized(address);
}

async function authorized(address: string): Promise<AuthorizedMailboxId> {
  const id = await operatorMailbox(address);
  if (id === null) throw new Error(`no mailbox ${address}`);
  return id;
}

async function runImport(file: string, mailboxId: AuthorizedMailboxId) {
  const owner = `test:${++n}`;
  const job = await startImport({
    mailboxId,
    file,
    runner: "cli",
    actorId: null,
    claimFor: owner,
  });
  return runTransfer(job, { owner });
}

async function runExport(out: string, mailboxId: AuthorizedMailboxId, format: "mbox" | "eml-zip", query?: string) {
  const owner = `test:${++n}`;
  const job = await startExport({
    mailboxId,
    out,
    format,
    query,
    runner: "cli",
    actorId: agent,
    claimFor: owner,
  });
  return runTransfer(job, { owner });
}

/** The sha256 of every live message in the mailbox, sorted: equal lists are the same messages byte for byte. */
async function hashes(mailboxId: number): Promise<string[]> {
  const rows = await sql.$queryRaw<{ sha: string }[]>`
    select "blobSha256" as sha from "Message" where "mailboxId" = ${mailboxId}::int and "deletedAt" is null
    order by 1`;
  return rows.map((r) => r.sha);
}

function lf(raw: Buffer): string {
  return raw.toString("latin1").replace(/\r\n/g, "\n");
}

/** A Unix mbox (bare LF, the way mutt and Thunderbird write it) of real-looking mail. */
function japaneseMbox(): Buffer {
  const entries = [
    ["From sato@example.jp Mon Nov  2 01:00:00 2026", lf(fixture("iso2022jp-cp50221.eml"))],
    ["From taro@example.jp Mon Nov  2 01:05:00 2026", lf(fixture("raw-utf8-headers.eml"))],
    [
      "From hanako@customer.example Tue Nov  3 09:00:00 2026",
      [
        "From: =?UTF-8?B?5bGx55SwIOiKseWtkA==?= <hanako@customer.example>",
        "To: support@example.com",
        "Subject: =?UTF-8?B?6KuL5rGC5pu444Gu5YaN55m66KGM?=",
        "Message-ID: <quote.1@customer.example>",
        "Date: Tue, 3 Nov 2026 18:00:00 +0900",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Please resend the invoice.",
        "",
        ">From the desk of the accountant: a line the mbox writer quoted",
        ">>From a line that was quoted before",
        "",
      ].join("\n"),
    ],
    [
      "From support@example.com Tue Nov  3 10:00:00 2026",
      [
        "From: Support <support@example.com>",
        "To: hanako@customer.example",
        "Subject: Re: =?UTF-8?B?6KuL5rGC5pu444Gu5YaN55m66KGM?=",
        "Message-ID: <reply.1@example.com>",
        "In-Reply-To: <quote.1@customer.example>",
        "References: <quote.1@customer.example>",
        "Status: RO",
        "",
        "Sent again.",
        "",
      ].join("\n"),
    ],
    ["From deep@example.jp Wed Nov  4 00:00:00 2026", lf(fixture("deep-nesting.eml"))],
    [
      "From alerts@monitor.example Wed Nov  4 01:00:00 2026",
      ["From: alerts@monitor.example", "To: support@example.com", "Subject: disk full", "", "No Message-ID.", ""].join(
        "\n",
      ),
    ],
  ];
  return Buffer.from(
    entries.map(([from, body]) => `${from}\n${body}${body?.endsWith("\n") ? "" : "\n"}\n`).join(""),
    "latin1",
  );
}

describe("importing an mbox", () => {
  let file = "";
  let mailboxId: AuthorizedMailboxId;

  beforeAll(() => {
    file = path.join(dir, "japanese.mbox");
    writeFileSync(file, japaneseMbox());
  });

  it("stores every message through the write path: decoded, threaded, searchable; a broken one raw and reported", async () => {
    mailboxId = await mailbox();
    const result = await runImport(file, mailboxId);
    expect(result.state).toBe("done");
    expect(result.job).toMatchObject({ processed: 6, imported: 6, duplicates: 0, unparsed: 1, skipped: 0 });
    const notes = await transferNotes(result.job?.id as number);
    expect(notes).toEqual([
      {
        item: 5,
        location: `byte ${japaneseMbox().indexOf("From deep@")}`,
        reason: "unparsed",
        detail: "stored raw: MIME nesting deeper than 20",
      },
    ]);
    const messages = await db().message.findMany({ where: { mailboxId }, orderBy: { id: "asc" } });
    expect(messages.map((m) => m.subject)).toEqual([
      "【重要】①㈱ご請求書について",
      "日本語の件名 ✓ ①",
      "請求書の再発行",
      "Re: 請求書の再発行",
      "深い入れ子",
      "disk full",
    ]);
    expect(messages[0]?.fromName).toBe("㈱髙橋商事 佐藤");
    expect(messages[2]?.fromName).toBe("山田 花子");
    expect(messages[4]?.parseError).toBe("MIME nesting deeper than 20");
    // The From_ line's date is the arrival time.
    expect(messages[0]?.internalDate.toISOString()).toBe("2026-11-02T01:00:00.000Z");
    // The quoted From line is the body's own again, in the stored bytes and the text.
    const blob = await db().blob.findUniqueOrThrow({ where: { sha256: messages[2]?.blobSha256 as string } });
    const raw = Buffer.from(blob.bytes).toString("utf8");
    expect(raw).toContain("\r\n\r\nFrom the desk of the accountant: a line the mbox writer quoted\r\n>From a line");
    expect(raw).not.toMatch(/(?<!\r)\n/);
    expect(messages[2]?.textBody).toContain("\nFrom the desk of the accountant");
    // Threaded: the reply joined the question's conversation.
    expect(messages[3]?.conversationId).toBe(messages[2]?.conversationId);
    const [seen] = await sql.$queryRaw<{ flags: string[] }[]>`
      select flags from "FolderMessage" where "messageId" = ${messages[3]?.id}::int`;
    expect(seen?.flags).toEqual(["\\Seen"]);
    // Searchable, and counted against the mailbox.
    const hits = await searchConversations({ userId: agent, query: parseSearchQuery("請求書"), within: [mailboxId] });
    expect(hits.map((h) => h.subject).sort()).toEqual(["【重要】①㈱ご請求書について", "請求書の再発行"].sort());
    const box = await db().mailbox.findUniqueOrThrow({ where: { id: mailboxId } });
    expect(box.usedMessages).toBe(6);
    const audit = await db().auditEvent.findMany({
      where: { subjectType: "mailbox", subjectId: String(mailboxId), action: { startsWith: "mailbox.import" } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["mailbox.import_start", "mailbox.import_finish"]);
    expect(audit[1]?.after).toMatchObject({ state: "done", imported: 6, unparsed: 1 });
  });

  it("skips every message when the same file is imported again", async () => {
    const again = await runImport(file, mailboxId);
    expect(again.job).toMatchObject({ state: "done", processed: 6, imported: 0, duplicates: 6 });
    expect(await db().message.count({ where: { mailboxId } })).toBe(6);
  });

  it("exports as mbox and as a zip of .eml that import back byte for byte", async () => {
    // Mail that came by SMTP too, with From lines to quote.
    await deliver(mailboxId, { subject: "quoting", text: "From the start\r\n>From quoted\r\n>>From twice" });
    await deliver(mailboxId, { subject: "plain" });
    const original = await hashes(mailboxId);
    expect(original).toHaveLength(8);
    for (const format of ["mbox", "eml-zip"] as const) {
      const out = path.join(dir, `export.${format === "mbox" ? "mbox" : "zip"}`);
      const exported = await runExport(out, mailboxId, format);
      expect(exported.job).toMatchObject({ state: "done", processed: 8, total: 8 });
      const copy = await mailbox();
      const back = await runImport(out, copy);
      expect(back.job).toMatchObject({ state: "done", imported: 8, duplicates: 0, skipped: 0 });
      expect(await hashes(copy)).toEqual(original);
    }
  });

  it("exports the conversations a search finds", async () => {
    const out = path.join(dir, "search.mbox");
    const exported = await runExport(out, mailboxId, "mbox", "再発行");
    expect(exported.job).toMatchObject({ state: "done", processed: 2, query: "再発行" });
    const text = readFileSync(out, "utf8");
    expect(text.match(/^From /gm)).toHaveLength(2);
    expect(text).toContain("Message-ID: <reply.1@example.com>");
    await expect(runExport(path.join(dir, "bad.mbox"), mailboxId, "mbox", "before:someday")).rejects.toThrow();
  });
});

describe("stopping and resuming", () => {
  function bigMbox(count: number): Buffer {
    const parts: string[] = [];
    for (let i = 1; i <= count; i++) {
      parts.push(
        `From c${i}@customer.example Mon Nov  2 01:00:00 2026\nFrom: c${i}@customer.example\nSubject: message ${i}\nMessage-ID: <bulk.${i}@customer.example>\n\n${"x".repeat(200)}\n\n`,
      );
    }
    return Buffer.from(parts.join(""));
  }

  it("a full mailbox stops the import at a message; resumed with room, it goes on with no duplicate and no gap", async () => {
    const file = path.join(dir, "bulk.mbox");
    writeFileSync(file, bigMbox(130));
    const mailboxId = await mailbox();
    await db().mailbox.update({ where: { id: mailboxId }, data: { quotaMessages: 73 } });
    const owner = "test:quota";
    const job = await startImport({ mailboxId, file, runner: "worker", actorId: null, claimFor: owner });
    const stopped = await runTransfer(job, { owner });
    expect(stopped.state).toBe("failed");
    expect(stopped.job?.error).toMatch(
      /^The mailbox box\d+@example\.com is full: 73 messages were imported before byte \d+\. Raise its quota and resume the import\.$/,
    );
    expect(stopped.job).toMatchObject({ imported: 73, processed: 73 });
    expect(bigMbox(130).indexOf("From c74@")).toBe(stopped.job?.position);
    expect(await db().message.count({ where: { mailboxId } })).toBe(73);

    await db().mailbox.update({ where: { id: mailboxId }, data: { quotaMessages: null } });
    await sql.$queryRaw`update "TransferJob" set state = 'queued' where id = ${job.id}::int`;
    const claimed = (await claimNextJob({ owner: "test:worker" })) as TransferJob;
    expect(claimed.id).toBe(job.id);
    const resumed = await runTransfer(claimed, { owner: "test:worker" });
    expect(resumed.job).toMatchObject({ state: "done", processed: 130, imported: 130, duplicates: 0 });
    const ids = (await db().message.findMany({ where: { mailboxId }, select: { messageIdHeader: true } })).map(
      (m) => m.messageIdHeader,
    );
    expect(new Set(ids).size).toBe(130);
    expect(ids.sort()).toEqual(Array.from({ length: 130 }, (_, i) => `bulk.${i + 1}@customer.example`).sort());
  });

  it("a job that stops its worker at the same place again and again fails instead of being retried forever", async () => {
    const file = path.join(dir, "stall.mbox");
    writeFileSync(file, bigMbox(3));
    const mailboxId = await mailbox();
    const job = await startImport({ mailboxId, file, runner: "worker", actorId: null });
    let now = Date.now();
    for (let i = 0; i < 3; i++) {
      // Claimed, then its process "dies": the lease runs out without any progress.
      const claimed = await claimNextJob({ owner: `test:dies:${i}`, now: new Date(now) });
      expect(claimed?.id).toBe(job.id);
      now += TRANSFER_LEASE_MS + 1000;
    }
    expect(await claimNextJob({ owner: "test:dies:last", now: new Date(now) })).toBeNull();
    const failed = await db().transferJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(failed.state).toBe("failed");
    expect(failed.error).toBe("Stopped: the job stopped its process 4 times at the same place (byte 0).");
  });
});

describe("hostile input", () => {
  it("refuses what is no mbox or zip, with a clear error", async () => {
    const file = path.join(dir, "notes.txt");
    writeFileSync(file, "Dear team,\nthis is not a mailbox.\n");
    await expect(runImport(file, support)).rejects.toThrow(
      /notes\.txt is not an mbox file \(it does not start with a "From " line\) nor a zip of \.eml files$/,
    );
    await expect(runImport(path.join(dir, "missing.mbox"), support)).rejects.toThrow(/no such file or folder/);
  });

  it("imports the good entries of a zip and reports unsafe names, a bomb and other files; writes nothing by name", async () => {
    const file = path.join(dir, "hostile.zip");
    const zip = await ZipWriter.open(file);
    const mail = (subject: string) => Buffer.from(`From: a@customer.example\nSubject: ${subject}\n\nhello\n`);
    const when = new Date(Date.UTC(2025, 0, 1));
    await zip.add("inbox/good.eml", mail("good one"), when);
    await zip.add("../../escape.eml", mail("escape"), when);
    await zip.add("/etc/cron.d/evil.eml", mail("absolute"), when);
    await zip.add("inbox/readme.txt", Buffer.from("not mail"), when);
    await zip.add("__MACOSX/inbox/._good.eml", Buffer.from("resource fork"), when);
    await zip.add("inbox/", Buffer.alloc(0), when);
    await zip.finish();
    const mailboxId = await mailbox();
    const result = await runImport(file, mailboxId);
    expect(result.job).toMatchObject({ state: "done", processed: 6, imported: 1, skipped: 3 });
    expect((await transferNotes(result.job?.id as number)).map((n) => [n.location, n.reason])).toEqual([
      ["../../escape.eml", "unsafe_name"],
      ["/etc/cron.d/evil.eml", "unsafe_name"],
      ["inbox/readme.txt", "not_eml"],
    ]);
    const [stored] = await db().message.findMany({ where: { mailboxId } });
    expect(stored?.subject).toBe("good one");
    expect(() => readFileSync(path.join(dir, "..", "escape.eml"))).toThrow();
  });

  it("stops a zip bomb at the message size limit and refuses entries that share data", async () => {
    // 60 MiB of one byte deflate to about 60 KiB; the entry says 60 MiB honestly, another lies (100 bytes).
    const huge = Buffer.alloc(60 * 1024 * 1024, 0x41);
    const bomb = deflateRawSync(huge);
    const entries = [
      { name: "bomb.eml", data: bomb, size: huge.length },
      { name: "liar.eml", data: bomb, size: 100 },
    ];
    const local: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (const e of entries) {
      const name = Buffer.from(e.name);
      const h = Buffer.alloc(30);
      h.writeUInt32LE(0x04034b50, 0);
      h.writeUInt16LE(8, 8);
      h.writeUInt32LE(e.data.length, 18);
      h.writeUInt32LE(e.size, 22);
      h.writeUInt16LE(name.length, 26);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(8, 10);
      c.writeUInt32LE(e.data.length, 20);
      c.writeUInt32LE(e.size, 24);
      c.writeUInt16LE(name.length, 28);
      c.writeUInt32LE(offset, 42);
      local.push(h, name, e.data);
      central.push(c, name);
      offset += 30 + name.length + e.data.length;
    }
    const cd = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(2, 8);
    end.writeUInt16LE(2, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(offset, 16);
    const file = path.join(dir, "bomb.zip");
    writeFileSync(file, Buffer.concat([...local, cd, end]));
    const mailboxId = await mailbox();
    const started = Date.now();
    const result = await runImport(file, mailboxId);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.job).toMatchObject({ state: "done", imported: 0, skipped: 2 });
    expect((await transferNotes(result.job?.id as number)).map((n) => [n.location, n.reason, n.detail])).toEqual([
      ["bomb.eml", "too_large", "62914560 bytes; the limit is 52428800"],
      ["liar.eml", "too_large", "it inflates to more than 52428800 bytes"],
    ]);

    // Both directory records point at the first entry's data (the overlapping bomb): refused before anything is read.
    const second = Buffer.from(central[2] as Buffer);
    second.writeUInt32LE(0, 42);
    const overlapping = path.join(dir, "overlap.zip");
    writeFileSync(
      overlapping,
      Buffer.concat([...local, central[0] as Buffer, central[1] as Buffer, second, central[3] as Buffer, end]),
    );
    await expect(runImport(overlapping, mailboxId)).rejects.toThrow(/overlap \(the shape of a zip bomb\): refused/);
  });

  it("imports a folder of .eml files, not following a symbolic link out of it", async () => {
    const folder = path.join(dir, "folder");
    await mkdir(path.join(folder, "2024"), { recursive: true });
    writeFileSync(path.join(folder, "a.eml"), "From: a@customer.example\nSubject: folder a\nMessage-ID: <fa@x>\n\nA\n");
    writeFileSync(path.join(folder, "2024", "b.eml"), "From: b@customer.example\nSubject: folder b\n\nB\n");
    writeFileSync(path.join(folder, "notes.txt"), "not mail");
    writeFileSync(path.join(folder, ".DS_Store"), "ignored");
    symlinkSync("/etc/hostname", path.join(folder, "link.eml"));
    const mailboxId = await mailbox();
    const result = await runImport(folder, mailboxId);
    expect(result.job).toMatchObject({ state: "done", format: "eml-dir", imported: 2, skipped: 2 });
    expect((await transferNotes(result.job?.id as number)).map((n) => [n.location, n.reason, n.detail])).toEqual([
      ["link.eml", "unreadable", "a symbolic link, not followed"],
      ["notes.txt", "not_eml", "only .eml files are imported from a folder"],
    ]);
    const subjects = (await db().message.findMany({ where: { mailboxId }, orderBy: { id: "asc" } })).map(
      (m) => m.subject,
    );
    expect(subjects).toEqual(["folder b", "folder a"]);
  });
});
