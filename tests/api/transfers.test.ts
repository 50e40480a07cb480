// Import and export as the browser reaches them: the admin.transfers
// procedures and the upload and download routes (called in-process with the
// request a browser sends). An agent is answered as for a path that does not
// exist, and audited; uploads need this site's Origin, are streamed to the
// data dir with a size limit and checked before a job exists; a browser
// export is downloaded by its name and removed with its job.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as download } from "../../app/api/admin/transfers/[id]/download/route.ts";
import { POST as upload } from "../../app/api/admin/transfers/upload/route.ts";
import { operatorMailbox } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { receiveImportUpload } from "../../server/transfer/receive-upload.ts";
import { runTransfer } from "../../server/transfer/run-transfer.ts";
import { claimNextJob } from "../../server/transfer/transfer-jobs.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";
import { scratchDir } from "../support/yubin-process.ts";

const SECRET = "transfers-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
const dataDir = scratchDir("transfers-api-");
const transfers = path.join(dataDir, "transfers");
let admin = 0;
let agent = 0;
let mailboxId = 0;

const MBOX = [
  "From kai@customer.example Mon Nov  2 01:00:00 2026",
  "From: Kai <kai@customer.example>",
  "Subject: uploaded through the browser",
  "Message-ID: <upload.1@customer.example>",
  "",
  "Hello.",
  "",
].join("\n");

beforeAll(async () => {
  await useTestDatabase();
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_DATA_DIR = dataDir;
  await makeDomain("example.com");
  admin = await makeUser("admin@example.com", { admin: true });
  agent = await makeUser("agent@example.com");
  mailboxId = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  await deliver(mailboxId, { subject: "already here" });
});

afterAll(() => disconnectDb());

async function cookie(userId: number): Promise<string> {
  return `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret: SECRET })}`;
}

async function uploadAs(
  userId: number,
  body: BodyInit | null,
  options: { origin?: string | null; name?: string; mailbox?: number; length?: string } = {},
) {
  const headers = new Headers({ host: "yubin.test", cookie: await cookie(userId) });
  if (options.origin !== null) headers.set("origin", options.origin ?? "http://yubin.test");
  headers.set("content-type", "application/octet-stream");
  if (options.length) headers.set("content-length", options.length);
  const query = new URLSearchParams({
    mailboxId: String(options.mailbox ?? mailboxId),
    name: options.name ?? "old.mbox",
  });
  return upload(
    new Request(`http://yubin.test/api/admin/transfers/upload?${query}`, {
      method: "POST",
      headers,
      body,
      duplex: "half",
    } as RequestInit),
  );
}

async function runQueued() {
  const job = await claimNextJob({ owner: "test:worker" });
  if (!job) throw new Error("no job queued");
  return runTransfer(job, { owner: "test:worker" });
}

describe("admin.transfers", () => {
  it("answers an agent as for a missing path, audited, for every procedure and both routes", async () => {
    const caller = await callerFor(agent);
    // One call at a time: calls made together would reject before they are awaited.
    for (const call of [
      () => caller.admin.transfers.list({}),
      () => caller.admin.transfers.notes({ jobId: 1 }),
      () => caller.admin.transfers.startExport({ mailboxId, format: "mbox" }),
      () => caller.admin.transfers.cancel({ jobId: 1 }),
      () => caller.admin.transfers.resume({ jobId: 1 }),
      () => caller.admin.transfers.remove({ jobId: 1 }),
    ]) {
      const error = await trpcError(call());
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toMatch(/^No procedure found on path "admin\.transfers\./);
    }
    const refusedUpload = await uploadAs(agent, MBOX);
    expect(refusedUpload.status).toBe(404);
    const refusedDownload = await download(
      new Request("http://yubin.test/api/admin/transfers/1/download", { headers: { cookie: await cookie(agent) } }),
      { params: Promise.resolve({ id: "1" }) },
    );
    expect(refusedDownload.status).toBe(404);
    const refused = await db().auditEvent.findMany({ where: { action: "admin.refused", actorId: agent } });
    expect(refused.map((e) => e.subjectId).sort()).toEqual(
      [
        "/api/admin/transfers/1/download",
        "/api/admin/transfers/upload",
        "admin.transfers.cancel",
        "admin.transfers.list",
        "admin.transfers.notes",
        "admin.transfers.remove",
        "admin.transfers.resume",
        "admin.transfers.startExport",
      ].sort(),
    );
    expect(await db().transferJob.count()).toBe(0);
  });

  it("refuses uploads from another site, of what is no mailbox file, and past the size limit", async () => {
    expect((await uploadAs(admin, MBOX, { origin: null })).status).toBe(403);
    expect((await uploadAs(admin, MBOX, { origin: "https://evil.example" })).status).toBe(403);
    const notMbox = await uploadAs(admin, "Dear team,\nthis is a letter.\n", { name: "letter.txt" });
    expect(notMbox.status).toBe(400);
    expect(((await notMbox.json()) as { error: { message: string } }).error.message).toBe(
      'letter.txt is not an mbox file (it does not start with a "From " line) nor a zip of .eml files',
    );
    const declared = await uploadAs(admin, MBOX, { length: String(3 * 1024 * 1024 * 1024) });
    expect(declared.status).toBe(413);
    expect((await uploadAs(admin, MBOX, { mailbox: 999_999 })).status).toBe(404);
    // A body longer than the limit without a declared length is cut off while it streams.
    const supportId = await operatorMailbox("support@example.com");
    const streamed = await receiveImportUpload({
      body: new Blob([MBOX.repeat(100)]).stream() as never,
      declaredBytes: null,
      fileName: "big.mbox",
      mailboxId: supportId as NonNullable<typeof supportId>,
      actorId: admin,
      limit: 1000,
    });
    expect(streamed).toMatchObject({ ok: false, status: 413 });
    expect(readdirSync(transfers)).toEqual([]);
    expect(await db().transferJob.count()).toBe(0);
  });

  it("queues an uploaded mbox for the worker, which imports it and removes the upload", async () => {
    const response = await uploadAs(admin, MBOX, { name: "../../old mail.mbox" });
    expect(response.status).toBe(200);
    const { jobId } = (await response.json()) as { jobId: number };
    const caller = await callerFor(admin);
    const [listed] = await caller.admin.transfers.list({});
    expect(listed).toMatchObject({ id: jobId, kind: "import", state: "queued", fileName: "old mail.mbox", percent: 0 });
    expect(readdirSync(transfers)).toHaveLength(1);
    const result = await runQueued();
    expect(result.job).toMatchObject({ state: "done", imported: 1 });
    expect(readdirSync(transfers)).toEqual([]);
    expect((await caller.admin.transfers.list({ mailboxId }))[0]).toMatchObject({ state: "done", percent: 100 });
    expect(await db().message.count({ where: { mailboxId, subject: "uploaded through the browser" } })).toBe(1);
    const audit = await db().auditEvent.findMany({ where: { action: { startsWith: "mailbox.import" } } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["mailbox.import_start", admin],
      ["mailbox.import_finish", admin],
    ]);
  });

  it("exports to the data dir, downloads it by name, and removes it with its job", async () => {
    const caller = await callerFor(admin);
    const { id } = await caller.admin.transfers.startExport({ mailboxId, format: "mbox" });
    expect((await trpcError(caller.admin.transfers.remove({ jobId: id }))).message).toBe(
      "Cancel the import or export before removing it.",
    );
    const result = await runQueued();
    expect(result.job).toMatchObject({ state: "done", processed: 2 });
    const [listed] = await caller.admin.transfers.list({});
    expect(listed).toMatchObject({ id, kind: "export", downloadable: true });
    const response = await download(
      new Request(`http://yubin.test/api/admin/transfers/${id}/download`, { headers: { cookie: await cookie(admin) } }),
      { params: Promise.resolve({ id: String(id) }) },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="support@example\.com-\d{4}-\d\d-\d\d\.mbox"/,
    );
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.toString().match(/^From /gm)).toHaveLength(2);
    const file = readdirSync(transfers).map((f) => path.join(transfers, f))[0] as string;
    expect(readFileSync(file).equals(body)).toBe(true);

    expect((await trpcError(caller.admin.transfers.cancel({ jobId: id }))).code).toBe("CONFLICT");
    expect((await trpcError(caller.admin.transfers.resume({ jobId: id }))).code).toBe("CONFLICT");
    await caller.admin.transfers.remove({ jobId: id });
    expect(existsSync(file)).toBe(false);
    expect((await trpcError(caller.admin.transfers.notes({ jobId: 2 ** 31 }))).code).toBe("NOT_FOUND");
    const actions = (await db().auditEvent.findMany({ where: { action: { startsWith: "mailbox.export" } } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual(["mailbox.export_start", "mailbox.export_finish"]);
    expect(await db().auditEvent.count({ where: { action: "mailbox.transfer_remove" } })).toBe(1);
  });

  it("cancels a queued import and removes its upload", async () => {
    const response = await uploadAs(admin, MBOX);
    const { jobId } = (await response.json()) as { jobId: number };
    const caller = await callerFor(admin);
    await caller.admin.transfers.cancel({ jobId });
    expect(readdirSync(transfers)).toEqual([]);
    expect((await trpcError(caller.admin.transfers.resume({ jobId }))).message).toBe(
      "The uploaded file of a cancelled import is gone: upload it again.",
    );
    expect(await claimNextJob({ owner: "test:worker" })).toBeNull();
  });
});
