// Replying from the browser, through the tRPC `conversations` router with the
// context the HTTP route builds: drafts (recipients, subject, quoted history),
// the send mutation (membership, send-as, threading headers, the copy in the
// same conversation, the queue) and the inline errors the composer shows.
import { simpleParser } from "mailparser";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type Mail from "nodemailer/lib/mailer/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES } from "../../server/limits.ts";
import { getBlob } from "../../server/mail-store/store-blob.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "web-compose-test-secret-0123456789abcdef";
const PASSWORD = "correct horse battery";
const PDF = Buffer.from("%PDF-1.4 見積書 fake\n");

let memberId = 0;
let outsiderId = 0;
let salesOnlyId = 0;
let supportId = 0;
let salesId = 0;
let customerMessageId = 0;
let conversationId = 0;

async function compose(options: Mail.Options): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

const callerFor = sessionCaller(SECRET);

async function queuedCount(): Promise<number> {
  return db().outboundMessage.count();
}

const reply = (over: Record<string, unknown> = {}) => ({
  messageId: customerMessageId,
  mode: "reply" as const,
  to: "Hanako Sato <hanako.reply@customer.example>",
  subject: "Re: Invoice question",
  text: "We have re-issued it.\n\nOn …, Hanako wrote:\n> Could you re-issue the invoice?",
  ...over,
});

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  memberId = (await createUser({ email: "member@example.com", password: PASSWORD, actorId: null })).user.id;
  outsiderId = (await createUser({ email: "outsider@example.com", password: PASSWORD, actorId: null })).user.id;
  salesOnlyId = (await createUser({ email: "seller@example.com", password: PASSWORD, actorId: null })).user.id;
  supportId = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      displayName: "Example Support",
      memberEmails: ["member@example.com"],
      actorId: null,
    })
  ).id;
  salesId = (
    await createMailbox({
      address: "sales@example.com",
      kind: "shared",
      memberEmails: ["seller@example.com", "member@example.com"],
      actorId: null,
    })
  ).id;
  const raw = await compose({
    from: "Hanako Sato <hanako@customer.example>",
    replyTo: "Hanako Sato <hanako.reply@customer.example>",
    to: "support@example.com, Taro <taro@customer.example>",
    cc: "boss@customer.example, Support <SUPPORT@example.com>",
    subject: "RE: Re: Invoice question",
    text: "Could you re-issue the invoice?\n> an older quote\n",
    messageId: "<invoice-2@customer.example>",
    references: "<invoice-1@customer.example>",
    inReplyTo: "<invoice-1@customer.example>",
    date: new Date("2026-11-27T01:00:00Z"),
    attachments: [{ filename: "見積書.pdf", content: PDF, contentType: "application/pdf" }],
  });
  const [stored] = await storeMessage({ raw, mailboxIds: [supportId], direction: "inbound" });
  if (stored?.outcome !== "stored") throw new Error("customer mail was not stored");
  customerMessageId = stored.messageId;
  conversationId = stored.conversationId;
});

afterAll(async () => {
  await disconnectDb();
});

describe("drafts", () => {
  it("answers the Reply-To with one Re: and the quoted original below", async () => {
    const draft = await (await callerFor(memberId)).conversations.draft({
      messageId: customerMessageId,
      mode: "reply",
    });
    expect(draft).toMatchObject({
      conversationId,
      from: { name: "Example Support", address: "support@example.com" },
      to: [{ name: "Hanako Sato", address: "hanako.reply@customer.example" }],
      cc: [],
      subject: "Re: Invoice question",
      inReplyTo: "invoice-2@customer.example",
      references: ["invoice-1@customer.example", "invoice-2@customer.example"],
      attachments: [],
    });
    expect(draft.quoted).toBe(
      "On Fri, 27 Nov 2026 01:00:00 GMT, Hanako Sato <hanako@customer.example> wrote:\n" +
        "> Could you re-issue the invoice?\n>> an older quote\n",
    );
  });

  it("writes the quote header in the writer's language and zone; a bad zone or language is ignored", async () => {
    const caller = await callerFor(memberId);
    const ask = (extra: Record<string, unknown>) =>
      caller.conversations.draft({
        messageId: customerMessageId,
        mode: "reply",
        ...extra,
      } as never);
    // 01:00 UTC on Friday 27 November is 10:00 the same day in Tokyo.
    expect((await ask({ locale: "ja", timeZone: "Asia/Tokyo" })).quoted).toMatch(
      /^2026年11月27日\(金\) 10:00 JST Hanako Sato <hanako@customer\.example>:\n> Could you/,
    );
    expect((await ask({ locale: "en", timeZone: "America/New_York" })).quoted).toMatch(
      /^On Thu, 26 Nov 2026, 20:00 EST, Hanako Sato <hanako@customer\.example> wrote:\n/,
    );
    for (const hostile of [{ timeZone: "Mars/Olympus" }, { locale: "xx" }, { timeZone: "x".repeat(500) }]) {
      expect((await ask(hostile)).quoted, JSON.stringify(hostile).slice(0, 40)).toMatch(
        /^On Fri, 27 Nov 2026 01:00:00 GMT, Hanako Sato/,
      );
    }
  });

  it("replies to all the other recipients, never to our own address", async () => {
    const draft = await (await callerFor(memberId)).conversations.draft({
      messageId: customerMessageId,
      mode: "reply_all",
    });
    expect(draft.to.map((a) => a.address)).toEqual(["hanako.reply@customer.example"]);
    expect(draft.cc.map((a) => a.address)).toEqual(["taro@customer.example", "boss@customer.example"]);
  });

  it("forwards with an empty To, Fwd: and the original's attachments", async () => {
    const draft = await (await callerFor(memberId)).conversations.draft({
      messageId: customerMessageId,
      mode: "forward",
    });
    expect(draft).toMatchObject({ to: [], cc: [], subject: "Fwd: RE: Re: Invoice question", inReplyTo: null });
    expect(draft.quoted).toContain(
      "---------- Forwarded message ----------\nFrom: Hanako Sato <hanako@customer.example>",
    );
    expect(draft.attachments).toEqual([
      { index: 0, filename: "見積書.pdf", contentType: "application/pdf", size: PDF.length },
    ]);
  });
});

describe("who may send", () => {
  it("answers a non-member exactly like a missing mailbox, and sends nothing", async () => {
    const before = await queuedCount();
    const outsider = await callerFor(outsiderId);
    expect((await trpcError(outsider.conversations.send(reply()))).code).toBe("NOT_FOUND");
    expect((await trpcError(outsider.conversations.draft({ messageId: customerMessageId, mode: "reply" }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await trpcError(outsider.conversations.delivery({ conversationId }))).code).toBe("NOT_FOUND");
    expect((await trpcError((await callerFor(null)).conversations.send(reply()))).code).toBe("UNAUTHORIZED");
    expect(await queuedCount()).toBe(before);
  });

  it("does not let a member of another mailbox send as this one", async () => {
    const before = await queuedCount();
    // sales@ is the seller's; the message is support@'s, and so is the From a reply would carry:
    // the mailbox a reply is sent as is always the answered message's, whatever the request says.
    const seller = await callerFor(salesOnlyId);
    expect((await trpcError(seller.conversations.send(reply()))).code).toBe("NOT_FOUND");
    expect((await trpcError(seller.conversations.send({ ...reply(), mailboxId: salesId } as never))).code).toBe(
      "NOT_FOUND",
    );
    expect(await queuedCount()).toBe(before);
  });
});

describe("sending a reply", () => {
  it("threads the reply, files the copy in the conversation and queues it", async () => {
    const member = await callerFor(memberId);
    const sent = await member.conversations.send(
      reply({ cc: "boss@customer.example", bcc: "audit@elsewhere.example" }),
    );
    expect(sent).toMatchObject({ conversationId, state: "queued" });

    const copy = await db().message.findUniqueOrThrow({ where: { id: sent.messageId as number } });
    expect(copy).toMatchObject({
      mailboxId: supportId,
      direction: "outbound",
      conversationId,
      // Our own copy carries the conversation token in its Message-ID.
      threadReason: "reply_token",
      inReplyTo: "invoice-2@customer.example",
      references: ["invoice-1@customer.example", "invoice-2@customer.example"],
      subject: "Re: Invoice question",
      fromAddress: "support@example.com",
    });
    expect(copy.messageIdHeader).toMatch(new RegExp(`^yb\\.c${conversationId}\\.[a-z0-9]+@mail\\.example\\.com$`));

    const raw = (await getBlob(copy.blobSha256)) as Buffer;
    expect(raw.toString("latin1")).toMatch(/^DKIM-Signature: /);
    expect(raw.toString("latin1")).not.toMatch(/^Bcc:/im);
    const parsed = await simpleParser(raw);
    expect(parsed.inReplyTo).toBe("<invoice-2@customer.example>");
    expect(parsed.references).toEqual(["<invoice-1@customer.example>", "<invoice-2@customer.example>"]);
    expect(parsed.messageId).toBe(`<${copy.messageIdHeader}>`);
    expect(parsed.from?.value).toEqual([{ name: "Example Support", address: "support@example.com" }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([
      { name: "Hanako Sato", address: "hanako.reply@customer.example" },
    ]);
    expect(parsed.text?.trim()).toBe(reply().text);

    const outbound = await db().outboundMessage.findFirstOrThrow({
      where: { storedMessageId: copy.id },
      include: { jobs: true },
    });
    expect(outbound).toMatchObject({ mailFrom: "support@example.com", messageIdHeader: copy.messageIdHeader });
    const recipients = outbound.jobs
      .flatMap((j) => (j.recipients as { address: string }[]).map((r) => r.address))
      .sort();
    expect(recipients).toEqual(["audit@elsewhere.example", "boss@customer.example", "hanako.reply@customer.example"]);

    const conversation = await member.conversations.get({ conversationId });
    expect(conversation.messages.map((m) => m.id)).toContain(copy.id);
    const delivery = await member.conversations.delivery({ conversationId });
    expect(delivery).toEqual([expect.objectContaining({ messageId: copy.id, state: "queued", reason: null })]);
  });

  it("forwards with the original attachment and keeps the copy in the conversation", async () => {
    const sent = await (await callerFor(memberId)).conversations.send({
      messageId: customerMessageId,
      mode: "forward",
      to: "accounting@partner.example",
      subject: "Fwd: Invoice question",
      text: "FYI",
      forwardAttachments: [0],
      attachments: [
        { filename: "note.txt", contentType: "text/plain", base64: Buffer.from("hello").toString("base64") },
      ],
    });
    const copy = await db().message.findUniqueOrThrow({ where: { id: sent.messageId as number } });
    expect(copy).toMatchObject({ conversationId, inReplyTo: null, direction: "outbound" });
    const parsed = await simpleParser((await getBlob(copy.blobSha256)) as Buffer);
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ["見積書.pdf", PDF.toString()],
      ["note.txt", "hello"],
    ]);
  });
});

describe("header injection in replies", () => {
  it("a subject or a recipient's name with CR LF adds no header field and no recipient", async () => {
    const member = await callerFor(memberId);
    const injected = "\r\nBcc: victim@evil.example\r\nX-Injected: yes";
    const before = await queuedCount();
    for (const over of [
      { subject: `Re: Invoice question${injected}` },
      { to: `"Hanako${injected}" <hanako.reply@customer.example>` },
      { to: `Hanako${injected} <hanako.reply@customer.example>` },
    ]) {
      // One call at a time: a refusal is as good as a clean message.
      const sent = await member.conversations.send(reply(over)).catch((error: unknown) => error as Error);
      if (sent instanceof Error) {
        expect(sent.message).not.toMatch(/internal/i);
        continue;
      }
      const copy = await db().message.findUniqueOrThrow({ where: { id: sent.messageId as number } });
      const raw = ((await getBlob(copy.blobSha256)) as Buffer).toString("latin1");
      const header = raw.slice(0, raw.indexOf("\r\n\r\n"));
      expect(header, JSON.stringify(over)).not.toMatch(/^(Bcc|X-Injected):/im);
      const outbound = await db().outboundMessage.findFirstOrThrow({
        where: { storedMessageId: copy.id },
        include: { jobs: true },
      });
      const recipients = outbound.jobs.flatMap((j) => (j.recipients as { address: string }[]).map((r) => r.address));
      expect(recipients, JSON.stringify(over)).toEqual(["hanako.reply@customer.example"]);
    }
    expect(await queuedCount()).toBeGreaterThanOrEqual(before);
  });
});

describe("simple rich text", () => {
  it("sends the allowed formatting as the HTML alternative and drops everything else", async () => {
    const sent = await (await callerFor(memberId)).conversations.send(
      reply({
        text: "Thanks! See the page.",
        html:
          '<p><b>Thanks!</b> See <a href="https://example.com/help" onclick="x()">the page</a>.</p>' +
          '<script>alert(1)</script><img src="https://tracker.example/p.gif"><a href="javascript:alert(1)">bad</a>',
        seenMessageId: 2_147_483_647,
      }),
    );
    const copy = await db().message.findUniqueOrThrow({ where: { id: sent.messageId as number } });
    const parsed = await simpleParser((await getBlob(copy.blobSha256)) as Buffer);
    expect(parsed.text?.trim()).toBe("Thanks! See the page.");
    expect(parsed.html).toContain('<p><b>Thanks!</b> See <a href="https://example.com/help">the page</a>.</p>');
    expect(parsed.html).not.toMatch(/script|onclick|<img|javascript:/);
  });
});

describe("what the composer shows as errors", () => {
  it("rejects a bad address, an empty To and too much to attach, sending nothing", async () => {
    const member = await callerFor(memberId);
    const before = await queuedCount();
    const bad = await trpcError(member.conversations.send(reply({ to: "hanako@customer.example, not an address" })));
    expect(bad).toMatchObject({ code: "BAD_REQUEST", message: 'To: "not an address" is not an email address' });
    const empty = await trpcError(member.conversations.send(reply({ to: " , " })));
    expect(empty).toMatchObject({ code: "BAD_REQUEST", message: "To: add at least one recipient" });
    const badCc = await trpcError(member.conversations.send(reply({ cc: "boss@" })));
    expect(badCc.message).toBe('Cc: "boss@" is not an email address');
    // Two attachments, each within the per-file bound, together over the limit.
    const half = Buffer.alloc(Math.ceil(MAX_COMPOSE_ATTACHMENT_BYTES / 2) + 1024, 0x61).toString("base64");
    const large = await trpcError(
      member.conversations.send(
        reply({
          attachments: [
            { filename: "a.bin", base64: half },
            { filename: "b.bin", base64: half },
          ],
        }),
      ),
    );
    expect(large.code).toBe("BAD_REQUEST");
    expect(large.message).toMatch(/^attachments are too large: 35\.\d MB, at most 35\.\d MB$/);
    expect(await queuedCount()).toBe(before);
  });
});
