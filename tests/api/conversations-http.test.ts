// Reading conversations over the web: the tRPC `conversations` router through
// the same context the HTTP route builds, and the message routes (HTML for
// the sandboxed iframe, attachments, source) of a running Yubin, with their
// safety headers. Everyone who is not a member gets the answer a missing id gets.
import { encode } from "next-auth/jwt";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type Mail from "nodemailer/lib/mailer/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";
import { startYubinProcess, type YubinProcess } from "../support/yubin-process.ts";

const SECRET = "web-conversations-test-secret-0123456789";
const PASSWORD = "correct horse battery";
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const PDF = Buffer.from("%PDF-1.4 請求書 fake\n");

let yubin: YubinProcess;
let memberId = 0;
let outsiderId = 0;
let supportId = 0;
let salesId = 0;
const stored: Record<string, { messageId: number; conversationId: number; raw: Buffer }> = {};

async function compose(options: Mail.Options): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

async function deliver(name: string, mailboxId: number, raw: Buffer, at: Date) {
  const [outcome] = await storeMessage({ raw, mailboxIds: [mailboxId], direction: "inbound", internalDate: at });
  if (outcome?.outcome !== "stored") throw new Error(`${name} was not stored: ${outcome?.outcome}`);
  stored[name] = { messageId: outcome.messageId, conversationId: outcome.conversationId, raw };
}

async function sessionCookie(userId: number): Promise<string> {
  return `next-auth.session-token=${await encode({ token: { sub: String(userId) }, secret: SECRET })}`;
}

const callerFor = sessionCaller(SECRET, "GET");

/** GET on the running Yubin as this user (or nobody), without following redirects. */
async function get(path: string, userId: number | null): Promise<Response> {
  const headers: Record<string, string> = userId === null ? {} : { cookie: await sessionCookie(userId) };
  return fetch(`${yubin.baseUrl}${path}`, { headers, redirect: "manual" });
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  const url = await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  memberId = (await createUser({ email: "member@example.com", password: PASSWORD, actorId: null })).user.id;
  outsiderId = (await createUser({ email: "outsider@example.com", password: PASSWORD, actorId: null })).user.id;
  supportId = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      displayName: "Support",
      memberEmails: ["member@example.com"],
      actorId: null,
    })
  ).id;
  salesId = (
    await createMailbox({
      address: "sales@example.com",
      kind: "shared",
      memberEmails: ["member@example.com"],
      actorId: null,
    })
  ).id;

  await deliver(
    "japanese",
    supportId,
    await compose({
      from: "佐藤 花子 <hanako@customer.example>",
      to: "support@example.com",
      subject: "①請求書の再発行について",
      text: "㈱サンプルの佐藤です。\n請求書を再発行してください。",
      messageId: "<ja-1@customer.example>",
      date: new Date("2026-11-27T01:00:00Z"),
      attachments: [{ filename: "請求書 (控え).pdf", content: PDF, contentType: "application/pdf" }],
    }),
    new Date("2026-11-27T01:00:00Z"),
  );
  await deliver(
    "html",
    supportId,
    await compose({
      from: "Shop <news@shop.example>",
      to: "support@example.com",
      subject: "Your order",
      messageId: "<html-1@shop.example>",
      html: '<p onclick="steal()">Thanks for your order!<script>alert(1)</script></p><img src="https://tracker.example/p.gif"><img src="cid:logo@shop">',
      attachments: [
        { filename: "logo.png", content: PNG, contentType: "image/png", cid: "logo@shop" },
        { filename: "invoice.html", content: "<script>alert(1)</script>", contentType: "text/html" },
        { filename: "chart.svg", content: "<svg xmlns='http://www.w3.org/2000/svg'/>", contentType: "image/svg+xml" },
        { filename: "data.xml", content: "<a/>", contentType: "application/xml" },
        { filename: "run.js", content: "alert(1)", contentType: "text/javascript" },
      ],
    }),
    new Date("2026-11-28T09:00:00Z"),
  );
  // A reply by References: the same conversation, two messages.
  await deliver(
    "reply",
    supportId,
    await compose({
      from: "Shop <news@shop.example>",
      to: "support@example.com",
      subject: "Re: Your order",
      messageId: "<html-2@shop.example>",
      inReplyTo: "<html-1@shop.example>",
      references: "<html-1@shop.example>",
      text: "One more thing.",
    }),
    new Date("2026-11-28T10:00:00Z"),
  );
  // 51 conversations in sales: more than one page.
  for (let i = 0; i < 51; i++) {
    await deliver(
      `sales-${i}`,
      salesId,
      Buffer.from(
        `From: buyer${i}@customer.example\r\nTo: sales@example.com\r\nSubject: Quote ${i}\r\nMessage-ID: <quote-${i}@customer.example>\r\n\r\nPlease quote ${i}.\r\n`,
      ),
      new Date(Date.UTC(2026, 9, 1, 0, i)),
    );
  }

  yubin = await startYubinProcess({
    roles: "web",
    env: { DATABASE_URL: url, YUBIN_HOSTNAME: "127.0.0.1", YUBIN_SESSION_SECRET: SECRET },
  });
});

afterAll(async () => {
  await yubin?.stop();
  await disconnectDb();
});

describe("conversations and the inbox over tRPC", () => {
  it("lists a member's conversations of all their mailboxes, newest first", async () => {
    const { items, nextCursor } = await (await callerFor(memberId)).workflow.inbox({ folder: "all" });
    expect(items).toHaveLength(50);
    expect(items.slice(0, 2)).toMatchObject([
      {
        id: stored.html?.conversationId,
        subject: "Your order",
        snippet: "One more thing.",
        messageCount: 2,
        status: "open",
        customer: { name: "Shop", email: "news@shop.example" },
        mailbox: { id: supportId, address: "support@example.com", displayName: "Support" },
      },
      { id: stored.japanese?.conversationId, subject: "①請求書の再発行について" },
    ]);
    expect(items[2]?.subject).toBe("Quote 50");
    expect(nextCursor).toEqual({ lastMessageAt: items[49]?.lastMessageAt, id: items[49]?.id });
  });

  it("pages with the keyset cursor, also as the ISO string JSON makes of it", async () => {
    const caller = await callerFor(memberId);
    const first = await caller.workflow.inbox({ folder: "all", mailboxId: salesId });
    expect(first.items.map((c) => c.subject).slice(0, 2)).toEqual(["Quote 50", "Quote 49"]);
    const cursor = first.nextCursor as { lastMessageAt: Date; id: number };
    const second = await caller.workflow.inbox({ folder: "all", mailboxId: salesId, cursor });
    expect(second).toEqual({ items: [expect.objectContaining({ subject: "Quote 0" })], nextCursor: null });
    const overHttp = { lastMessageAt: cursor.lastMessageAt.toISOString(), id: cursor.id };
    expect(
      (await caller.workflow.inbox({ folder: "all", mailboxId: salesId, cursor: overHttp as unknown as typeof cursor }))
        .items,
    ).toEqual(second.items);
    const support = await caller.workflow.inbox({ folder: "all", mailboxId: supportId });
    expect(support.items.map((c) => c.subject)).toEqual(["Your order", "①請求書の再発行について"]);
  });

  it("gives a member a conversation with its messages in order", async () => {
    const conversation = await (await callerFor(memberId)).conversations.get({
      conversationId: stored.html?.conversationId as number,
    });
    expect(conversation).toMatchObject({
      subject: "Your order",
      mailbox: { address: "support@example.com" },
      customer: { email: "news@shop.example" },
    });
    expect(conversation.messages.map((m) => [m.subject, m.threadReason, m.hasHtml])).toEqual([
      ["Your order", "new", true],
      ["Re: Your order", "references", false],
    ]);
    expect(conversation.messages[0]?.attachments.map((a) => [a.filename, a.contentType])).toContainEqual([
      "invoice.html",
      "text/html",
    ]);
  });

  it("answers a non-member exactly as for a conversation that does not exist", async () => {
    const outsider = await callerFor(outsiderId);
    const hidden = await trpcError(
      outsider.conversations.get({ conversationId: stored.html?.conversationId as number }),
    );
    const missing = await trpcError(outsider.conversations.get({ conversationId: 999_999 }));
    expect({ code: hidden.code, message: hidden.message }).toEqual({
      code: "NOT_FOUND",
      message: "No such conversation.",
    });
    expect({ code: missing.code, message: missing.message }).toEqual({ code: hidden.code, message: hidden.message });
    expect(await outsider.workflow.inbox({ folder: "all" })).toEqual({ items: [], nextCursor: null });
    const foreign = await trpcError(outsider.workflow.inbox({ folder: "all", mailboxId: supportId }));
    const none = await trpcError(outsider.workflow.inbox({ folder: "all", mailboxId: 999_999 }));
    expect([foreign.code, foreign.message]).toEqual(["NOT_FOUND", "No such mailbox."]);
    expect([none.code, none.message]).toEqual([foreign.code, foreign.message]);
  });

  it("refuses callers who are not signed in, and ids that are not ids", async () => {
    const anonymous = await callerFor(null);
    expect((await trpcError(anonymous.workflow.inbox({}))).code).toBe("UNAUTHORIZED");
    expect((await trpcError(anonymous.conversations.get({ conversationId: 1 }))).code).toBe("UNAUTHORIZED");
    const member = await callerFor(memberId);
    // Beyond int4 names nothing: as for a missing conversation. Not an id at all: a bad request.
    expect((await trpcError(member.conversations.get({ conversationId: 2 ** 31 }))).code).toBe("NOT_FOUND");
    expect((await trpcError(member.conversations.get({ conversationId: -1 }))).code).toBe("BAD_REQUEST");
    expect((await trpcError(member.conversations.get({ conversationId: 1.5 }))).code).toBe("BAD_REQUEST");
  });
});

describe("the inbox over HTTP", () => {
  it("pages with the JSON cursor the inbox's Load more button sends", async () => {
    const call = async (input: unknown) => {
      const response = await get(
        `/api/trpc/workflow.inbox?input=${encodeURIComponent(JSON.stringify(input))}`,
        memberId,
      );
      expect(response.status).toBe(200);
      return ((await response.json()) as { result: { data: { items: { subject: string }[]; nextCursor: unknown } } })
        .result.data;
    };
    const first = await call({ folder: "all", mailboxId: salesId });
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual({ lastMessageAt: "2026-10-01T00:01:00.000Z", id: expect.any(Number) });
    const second = await call({ folder: "all", mailboxId: salesId, cursor: first.nextCursor });
    expect(second).toEqual({ items: [expect.objectContaining({ subject: "Quote 0" })], nextCursor: null });
  });
});

describe("message routes", () => {
  const SAFE = { "x-content-type-options": "nosniff", "cache-control": "private, no-store" };

  function expectNoCrossSiteReferrer(response: Response) {
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  }

  function headersOf(response: Response, names: string[]): Record<string, string | null> {
    return Object.fromEntries(names.map((n) => [n, response.headers.get(n)]));
  }

  it("serves sanitised HTML with a sandboxing CSP that blocks remote images", async () => {
    const id = stored.html?.messageId as number;
    const response = await get(`/api/messages/${id}/html`, memberId);
    expect(response.status).toBe(200);
    expect(headersOf(response, ["content-type", ...Object.keys(SAFE)])).toEqual({
      "content-type": "text/html; charset=utf-8",
      ...SAFE,
    });
    expect(response.headers.get("content-security-policy")).toBe(
      `sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data: ${yubin.baseUrl}/api/messages/${id}/attachments/; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self' ${yubin.baseUrl}`,
    );
    expectNoCrossSiteReferrer(response);
    const html = await response.text();
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain("Thanks for your order!");
    expect(html).not.toMatch(/<script|onclick|\ssrc="https:/);
    expect(html).toContain('data-blocked-src="https://tracker.example/p.gif"');
    // The cid: logo is embedded: the sandboxed frame's requests carry no session cookie.
    expect(html).toContain(`src="data:image/png;base64,${PNG.toString("base64")}"`);
  });

  it("allows remote images in the CSP and the document only when asked", async () => {
    const id = stored.html?.messageId as number;
    const response = await get(`/api/messages/${id}/html?remoteImages=1`, memberId);
    expect(response.headers.get("content-security-policy")).toContain(
      `img-src data: ${yubin.baseUrl}/api/messages/${id}/attachments/ https: http:;`,
    );
    expect(await response.text()).toContain('src="https://tracker.example/p.gif"');
  });

  it("downloads an attachment with an RFC 5987 name and its bytes", async () => {
    const id = stored.japanese?.messageId as number;
    const response = await get(`/api/messages/${id}/attachments/0`, memberId);
    expect(response.status).toBe(200);
    expect(
      headersOf(response, ["content-type", "content-disposition", "content-security-policy", ...Object.keys(SAFE)]),
    ).toEqual({
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="___ (__).pdf"; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8%20%28%E6%8E%A7%E3%81%88%29.pdf`,
      "content-security-policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
      ...SAFE,
    });
    expectNoCrossSiteReferrer(response);
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it("serves active content types as opaque bytes, and only images inline", async () => {
    const id = stored.html?.messageId as number;
    const types: Record<string, string | null> = {};
    for (const index of [1, 2, 3, 4]) {
      const response = await get(`/api/messages/${id}/attachments/${index}?inline=1`, memberId);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toMatch(/^attachment; /);
      types[index] = response.headers.get("content-type");
    }
    expect(types).toEqual({
      1: "application/octet-stream",
      2: "application/octet-stream",
      3: "application/octet-stream",
      4: "application/octet-stream",
    });
    const logo = await get(`/api/messages/${id}/attachments/0?inline=1`, memberId);
    expect(headersOf(logo, ["content-type", "content-disposition"])).toEqual({
      "content-type": "image/png",
      "content-disposition": `inline; filename="logo.png"; filename*=UTF-8''logo.png`,
    });
    expect(Buffer.from(await logo.arrayBuffer()).equals(PNG)).toBe(true);
    const download = await get(`/api/messages/${id}/attachments/0`, memberId);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; /);
  });

  it("downloads the raw source as received", async () => {
    const id = stored.japanese?.messageId as number;
    const response = await get(`/api/messages/${id}/source`, memberId);
    expect(response.status).toBe(200);
    expect(headersOf(response, ["content-type", "content-disposition", ...Object.keys(SAFE)])).toEqual({
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="message-${id}.eml"; filename*=UTF-8''message-${id}.eml`,
      ...SAFE,
    });
    expectNoCrossSiteReferrer(response);
    expect(Buffer.from(await response.arrayBuffer()).equals(stored.japanese?.raw as Buffer)).toBe(true);
  });

  it("answers 404 alike to non-members, to nobody, and for ids that do not exist", async () => {
    const html = stored.html?.messageId as number;
    const paths = [`/api/messages/${html}/html`, `/api/messages/${html}/attachments/0`, `/api/messages/${html}/source`];
    const answers = new Set<string>();
    for (const path of paths) {
      for (const [who, target] of [
        [outsiderId, path],
        [null, path],
        [memberId, path.replace(`/${html}/`, "/999999/")],
        [memberId, path.replace(`/${html}/`, "/99999999999/")],
        [memberId, path.replace(`/${html}/`, "/1e3/")],
      ] as const) {
        const response = await get(target, who);
        expect(response.status, `${who} ${target}`).toBe(404);
        answers.add(`${response.headers.get("content-type")} ${await response.text()}`);
      }
    }
    // A member asking for an attachment index or HTML that does not exist: the same 404.
    for (const target of [`/api/messages/${html}/attachments/9`, `/api/messages/${stored.reply?.messageId}/html`]) {
      const response = await get(target, memberId);
      expect(response.status).toBe(404);
      answers.add(`${response.headers.get("content-type")} ${await response.text()}`);
    }
    expect([...answers]).toEqual(["text/plain; charset=utf-8 Not found\n"]);
  });

  it("shows the conversation page to members and the same 404 page otherwise", async () => {
    const id = stored.html?.conversationId as number;
    const page = await get(`/conversations/${id}`, memberId);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`sandbox="allow-popups allow-popups-to-escape-sandbox"`);
    expect(html).toContain("joined by References");
    expect((await get(`/conversations/${id}`, outsiderId)).status).toBe(404);
    expect((await get("/conversations/999999", memberId)).status).toBe(404);
    expect((await get("/conversations/abc", memberId)).status).toBe(404);
    expect((await get(`/inbox?mailbox=${supportId}`, outsiderId)).status).toBe(404);
    expect((await get("/inbox?mailbox=999999", memberId)).status).toBe(404);
    const inbox = await (await get(`/inbox?mailbox=${supportId}`, memberId)).text();
    expect(inbox).toContain("①請求書の再発行について");
    expect(inbox).not.toContain("Quote 50");
  });
});
