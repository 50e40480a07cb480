// Attachments a reviewer checks and previews, over HTTP on a running Yubin:
// a held reply's attachments are listed in the queue with name and size and
// open through the held-reply attachment route with the same authority as
// the held reply itself (an agent without access gets 404); ?preview=1 on
// any attachment serves only what its bytes prove to be a raster image or a
// PDF, with the proven type, CSP sandbox and nosniff — never SVG, never the
// sender's declared type.
import { encode } from "next-auth/jwt";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMailbox } from "../../server/access/gate.ts";
import { holdSubmission } from "../../server/approval/hold-submission.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { sniffPreviewType } from "../../server/mime/sniff-preview.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller } from "../support/trpc-caller.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const SECRET = "attachment-preview-secret-0123456789abcdef";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n");
const SVG = Buffer.from("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>");
/** HTML that claims to be a PNG. */
const FAKE_PNG = Buffer.from("<html><script>alert(1)</script></html>");

let yubin: YubinProcess;
const ids = { author: 0, reviewer: 0, member: 0, outsider: 0, support: 0, other: 0, message: 0, held: 0 };
const callerFor = sessionCaller(SECRET);

async function get(path: string, userId: number | null): Promise<Response> {
  const headers: Record<string, string> = {};
  if (userId !== null) {
    headers.cookie = `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret: SECRET })}`;
  }
  return fetch(`${yubin.baseUrl}${path}`, { headers, redirect: "manual" });
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  const url = await useTestDatabase();
  await makeDomain();
  ids.author = await makeUser("trainee@example.com", { name: "Tomo Trainee" });
  ids.reviewer = await makeUser("lead@example.com", { name: "Lena Lead", admin: true });
  ids.member = await makeUser("agent@example.com");
  ids.outsider = await makeUser("outsider@example.com");
  ids.support = await makeSharedMailbox("support@example.com", [
    "trainee@example.com",
    "lead@example.com",
    "agent@example.com",
  ]);
  ids.other = await makeSharedMailbox("legal@example.com", ["outsider@example.com"]);
  const admin = await callerFor(ids.reviewer);
  await admin.approval.setMember({ mailboxId: ids.support, userId: ids.author, needsApproval: true });
  await admin.approval.setMember({ mailboxId: ids.support, userId: ids.reviewer, reviewer: true });
  const raw = await new MailComposer({
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: "Photos of the damage",
    text: "See attached.",
    attachments: [
      { filename: "damage.png", content: PNG, contentType: "image/png" },
      { filename: "invoice.pdf", content: PDF, contentType: "application/pdf" },
      { filename: "chart.svg", content: SVG, contentType: "image/svg+xml" },
      { filename: "photo.png", content: FAKE_PNG, contentType: "image/png" },
    ],
  })
    .compile()
    .build();
  const [stored] = await storeMessage({ raw, mailboxIds: [ids.support], direction: "inbound" });
  if (stored?.outcome !== "stored") throw new Error("not stored");
  ids.message = stored.messageId;
  const sent = await (await callerFor(ids.author)).conversations.send({
    messageId: ids.message,
    mode: "reply",
    to: "hanako@customer.example",
    subject: "Re: Photos of the damage",
    text: "Here is the corrected contract.",
    attachments: [
      { filename: "契約書 v2.pdf", contentType: "application/pdf", base64: PDF.toString("base64") },
      { filename: "notes.txt", contentType: "text/plain", base64: Buffer.from("internal only").toString("base64") },
    ],
  });
  expect(sent).toMatchObject({ held: true });
  ids.held = (await db().pendingReply.findFirstOrThrow({ where: { authorId: ids.author } })).id;
  yubin = await startYubinProcess({
    roles: "web",
    env: { DATABASE_URL: url, YUBIN_HOSTNAME: "127.0.0.1", YUBIN_SESSION_SECRET: SECRET },
  });
});

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

describe("a held reply's attachments", () => {
  it("are listed for the reviewer with name, type and size", async () => {
    const [queued] = await (await callerFor(ids.reviewer)).approval.queue();
    expect(queued?.attachments).toEqual([
      { index: 0, filename: "契約書 v2.pdf", contentType: "application/pdf", size: PDF.length },
      { index: 1, filename: "notes.txt", contentType: "text/plain", size: "internal only".length },
    ]);
  });

  it("download for the reviewer and any member, with the bytes held and the download headers", async () => {
    for (const userId of [ids.reviewer, ids.member, ids.author]) {
      const response = await get(`/api/held-replies/${ids.held}/attachments/0`, userId);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/pdf");
      expect(response.headers.get("content-disposition")).toBe(
        `attachment; filename="___ v2.pdf"; filename*=UTF-8''%E5%A5%91%E7%B4%84%E6%9B%B8%20v2.pdf`,
      );
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toMatch(/^sandbox;/);
      expect(response.headers.get("x-frame-options")).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);
    }
  });

  it("preview a PDF sandboxed, framed by Yubin only; refuse a preview of text", async () => {
    const pdf = await get(`/api/held-replies/${ids.held}/attachments/0?preview=1`, ids.reviewer);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toMatch(/^inline; /);
    expect(pdf.headers.get("content-security-policy")).toBe(
      "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'",
    );
    expect(pdf.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await get(`/api/held-replies/${ids.held}/attachments/1?preview=1`, ids.reviewer);
    expect(text.status).toBe(415);
    expect(text.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answer 404 alike to an agent without access, the signed-out, and ids or indexes that do not exist", async () => {
    const paths: [string, number | null][] = [
      [`/api/held-replies/${ids.held}/attachments/0`, ids.outsider],
      [`/api/held-replies/${ids.held}/attachments/0?preview=1`, ids.outsider],
      [`/api/held-replies/${ids.held}/attachments/0`, null],
      [`/api/held-replies/${ids.held}/attachments/2`, ids.reviewer],
      [`/api/held-replies/${ids.held}/attachments/-1`, ids.reviewer],
      [`/api/held-replies/${ids.held + 1000}/attachments/0`, ids.reviewer],
      [`/api/held-replies/0${ids.held}/attachments/0`, ids.reviewer],
      [`/api/held-replies/99999999999/attachments/0`, ids.reviewer],
    ];
    for (const [path, userId] of paths) {
      const response = await get(path, userId);
      expect({ path, userId, status: response.status }).toEqual({ path, userId, status: 404 });
      expect(await response.text()).toBe("Not found\n");
    }
  });
});

describe("a held forward's attachments", () => {
  it("list the uploaded file, then what it carries from the original, which opens from the original", async () => {
    const sent = await (await callerFor(ids.author)).conversations.send({
      messageId: ids.message,
      mode: "forward",
      to: "claims@insurer.example",
      subject: "Fwd: Photos of the damage",
      text: "For the claim.",
      attachments: [
        { filename: "claim.txt", contentType: "text/plain", base64: Buffer.from("claim").toString("base64") },
      ],
      forwardAttachments: [0],
    });
    expect(sent).toMatchObject({ held: true });
    const row = await db().pendingReply.findFirstOrThrow({ orderBy: { id: "desc" } });
    const queued = (await (await callerFor(ids.reviewer)).approval.queue()).find((r) => r.id === row.id);
    expect(queued?.attachments).toEqual([
      { index: 0, filename: "claim.txt", contentType: "text/plain", size: 5 },
      { index: 1, filename: "damage.png", contentType: "image/png", size: PNG.length },
    ]);
    const preview = await get(`/api/held-replies/${row.id}/attachments/1?preview=1`, ids.reviewer);
    expect(preview.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await preview.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await get(`/api/held-replies/${row.id}/attachments/2`, ids.reviewer)).status).toBe(404);
    expect((await get(`/api/held-replies/${row.id}/attachments/1`, ids.outsider)).status).toBe(404);
  });
});

describe("a held submission's attachments (a mail client's message, held as its exact bytes)", () => {
  it("are listed by their parse index and open from the held bytes", async () => {
    const mailbox = await authorizeMailbox({ userId: ids.author, mailboxId: ids.support });
    if (!mailbox) throw new Error("the author is not a member");
    const customer = await db().message.findUniqueOrThrow({ where: { id: ids.message } });
    const raw = await new MailComposer({
      from: "support@example.com",
      to: "hanako@customer.example",
      subject: "Re: Photos of the damage",
      inReplyTo: `<${customer.messageIdHeader}>`,
      html: '<p>Our photo: <img src="cid:logo@x"></p>',
      attachments: [
        { filename: "logo.png", content: PNG, contentType: "image/png", cid: "logo@x" },
        { filename: "label.pdf", content: PDF, contentType: "application/pdf" },
      ],
    })
      .compile()
      .build();
    const held = await holdSubmission({
      authorId: ids.author,
      mailboxId: mailbox,
      mailboxAddress: "support@example.com",
      raw,
      mailFrom: "support@example.com",
      recipients: ["hanako@customer.example"],
      scopeMailboxId: null,
      now: new Date(),
    });
    expect(held.ok).toBe(true);
    const row = await db().pendingReply.findFirstOrThrow({ orderBy: { id: "desc" } });
    const queued = (await (await callerFor(ids.reviewer)).approval.queue()).find((r) => r.id === row.id);
    // The inline image is part of the text, not an attachment the reviewer is asked about.
    expect(queued?.attachments).toEqual([
      { index: 1, filename: "label.pdf", contentType: "application/pdf", size: PDF.length },
    ]);
    const response = await get(`/api/held-replies/${row.id}/attachments/1`, ids.reviewer);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);
    // Index 0 (the inline image) is not listed, so it does not open either; nor for an outsider.
    expect((await get(`/api/held-replies/${row.id}/attachments/0`, ids.reviewer)).status).toBe(404);
    expect((await get(`/api/held-replies/${row.id}/attachments/1`, ids.outsider)).status).toBe(404);
  });
});

describe("previews of a message's attachments", () => {
  const path = (index: number, query = "?preview=1") => `/api/messages/${ids.message}/attachments/${index}${query}`;

  it("serve a real PNG as image/png inline, sandboxed and nosniff", async () => {
    const response = await get(path(0), ids.member);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toMatch(/^inline; filename="damage.png"/);
    expect(response.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await response.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("serve a PDF with CSP sandbox, whatever script it carries", async () => {
    const response = await get(path(1), ids.member);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-security-policy")?.split(";")[0]).toBe("sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuse SVG and a file that only claims to be a PNG; inline=1 downloads them instead", async () => {
    for (const index of [2, 3]) {
      expect((await get(path(index), ids.member)).status).toBe(415);
      const inline = await get(path(index, "?inline=1"), ids.member);
      expect(inline.headers.get("content-disposition")).toMatch(/^attachment; /);
    }
    expect((await get(path(3, "?inline=1"), ids.member)).headers.get("content-type")).toBe("image/png");
    expect((await get(path(2, "?inline=1"), ids.member)).headers.get("content-type")).toBe("application/octet-stream");
  });

  it("answer 404 to an agent without access to the conversation", async () => {
    expect((await get(path(0), ids.outsider)).status).toBe(404);
    expect((await get(path(1), ids.outsider)).status).toBe(404);
  });
});

describe("sniffing", () => {
  it("knows PNG, JPEG, GIF, WebP and PDF by their bytes and nothing else", () => {
    expect(sniffPreviewType(PNG)).toBe("image/png");
    expect(sniffPreviewType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe("image/jpeg");
    expect(sniffPreviewType(Buffer.from("GIF89a\x01\x00"))).toBe("image/gif");
    expect(sniffPreviewType(Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 "))).toBe("image/webp");
    expect(sniffPreviewType(PDF)).toBe("application/pdf");
    expect(sniffPreviewType(SVG)).toBeNull();
    expect(sniffPreviewType(FAKE_PNG)).toBeNull();
    expect(sniffPreviewType(Buffer.from("RIFF\x10\x00\x00\x00WAVE"))).toBeNull();
    expect(sniffPreviewType(Buffer.alloc(0))).toBeNull();
    expect(sniffPreviewType(Buffer.from([0x89, 0x50]))).toBeNull();
  });
});
