// Reading mail as a member: the inbox, a conversation, sanitised HTML,
// attachments and source — each through the authority gate — and "not
// found" for everyone else.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthorizedMessage,
  authorizeConversation,
  authorizeMessage,
  mailboxScope,
} from "../../server/access/gate.ts";
import { getConversation } from "../../server/conversations/get-conversation.ts";
import { type InboxCursor, listInbox } from "../../server/conversations/inbox-folders.ts";
import { messageAttachment, messageHtml, messageSource } from "../../server/conversations/message-content.ts";
import { db } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";

let member = 0;
let outsider = 0;
let teamMember = 0;
let support = 0;

const htmlMail = Buffer.from(
  [
    "From: Shop <news@shop.example>",
    "To: support@example.com",
    "Subject: Your order",
    "Message-ID: <html-1@shop.example>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/html; charset=utf-8",
    "",
    '<p onclick="steal()">Thanks!<script>alert(1)</script><img src="https://tracker.example/p.gif"></p>',
    "--b1",
    'Content-Type: text/plain; name="note.txt"',
    'Content-Disposition: attachment; filename="note.txt"',
    "",
    "attached text",
    "--b1--",
    "",
  ].join("\r\n"),
);

beforeAll(async () => {
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  member = (await createUser({ email: "m@example.com", password: "0123456789", actorId: null })).user.id;
  outsider = (await createUser({ email: "o@example.com", password: "0123456789", actorId: null })).user.id;
  teamMember = (await createUser({ email: "t@example.com", password: "0123456789", actorId: null })).user.id;
  support = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      memberEmails: ["m@example.com"],
      actorId: null,
    })
  ).id;
  const team = await db().team.create({ data: { name: "Tier 2", members: { create: [{ userId: teamMember }] } } });
  await db().membership.create({ data: { mailboxId: support, teamId: team.id } });
  await storeMessage({
    raw: htmlMail,
    mailboxIds: [support],
    direction: "inbound",
    internalDate: new Date("2026-11-28T09:00:00Z"),
  });
  for (let i = 0; i < 3; i++) {
    const raw = Buffer.from(
      `From: c${i}@customer.example\r\nSubject: Question ${i}\r\nMessage-ID: <q${i}@customer.example>\r\n\r\nBody ${i}\r\n`,
    );
    await storeMessage({
      raw,
      mailboxIds: [support],
      direction: "inbound",
      internalDate: new Date(Date.UTC(2026, 10, 28, 10 + i)),
    });
  }
});

/** The "All" folder of the user's mailboxes (or the one named), newest first, as the inbox lists it. */
async function inbox(userId: number, options: { mailboxId?: number; limit?: number; after?: InboxCursor } = {}) {
  const mailboxIds = await mailboxScope({ userId, mailboxId: options.mailboxId });
  if (!mailboxIds) return null;
  const page = await listInbox({
    userId,
    mailboxIds,
    filter: { folder: "all", sort: "newest" },
    limit: options.limit,
    after: options.after,
  });
  return page.items;
}

async function readable(userId: number, messageId: number): Promise<AuthorizedMessage> {
  const message = await authorizeMessage({ userId, messageId });
  if (!message) throw new Error(`user ${userId} may not read message ${messageId}`);
  return message;
}

describe("reading conversations", () => {
  it("lists a member's conversations newest first, with keyset paging", async () => {
    const page = (await inbox(member)) ?? [];
    expect(page.map((c) => c.subject)).toEqual(["Question 2", "Question 1", "Question 0", "Your order"]);
    expect(page[0]).toMatchObject({ snippet: "Body 2", messageCount: 1, customer: { email: "c2@customer.example" } });
    const first = (await inbox(member, { limit: 2 })) ?? [];
    const last = first[1] as (typeof first)[number];
    const next = await inbox(member, { limit: 2, after: { lastMessageAt: last.lastMessageAt, id: last.id } });
    expect(next?.map((c) => c.subject)).toEqual(["Question 0", "Your order"]);
    expect((await inbox(teamMember))?.length).toBe(4);
  });

  it("shows nothing of a mailbox to a non-member, exactly as if it did not exist", async () => {
    expect(await inbox(outsider)).toEqual([]);
    expect(await inbox(outsider, { mailboxId: support })).toBeNull();
    expect(await inbox(outsider, { mailboxId: 999_999 })).toBeNull();
    const id = ((await inbox(member)) ?? [])[3]?.id as number;
    expect(await authorizeConversation({ userId: outsider, conversationId: id })).toBeNull();
    expect(await authorizeConversation({ userId: outsider, conversationId: 999_999 })).toBeNull();
    expect(await authorizeConversation({ userId: member, conversationId: 3_000_000_000 })).toBeNull();
    const messageId = (await db().message.findFirstOrThrow({ where: { messageIdHeader: "html-1@shop.example" } })).id;
    expect(await authorizeMessage({ userId: outsider, messageId })).toBeNull();
    expect(await authorizeMessage({ userId: outsider, messageId: 999_999 })).toBeNull();
    expect(await authorizeMessage({ userId: teamMember, messageId })).toMatchObject({ messageId, mailboxId: support });
  });

  it("opens a conversation with sanitised HTML and downloadable attachments", async () => {
    const id = ((await inbox(member)) ?? []).find((c) => c.subject === "Your order")?.id as number;
    const authorized = await authorizeConversation({ userId: member, conversationId: id });
    const conversation = authorized ? await getConversation(authorized) : null;
    const message = conversation?.messages[0];
    expect(message).toMatchObject({ hasHtml: true, fromAddress: "news@shop.example", threadReason: "new" });
    expect(message?.attachments).toEqual([
      { index: 0, filename: "note.txt", contentType: "text/plain", size: 13, inline: false },
    ]);
    const stored = await readable(member, message?.id as number);
    const html = await messageHtml({ message: stored, allowRemoteImages: false });
    expect(html?.html).toContain("Thanks!");
    expect(html?.html).not.toMatch(/script|onclick/);
    // The pixel is kept inert (no src) so "show images" can restore it.
    expect(html?.html).not.toMatch(/\ssrc=/);
    expect(html?.blockedRemoteImages).toBe(1);
    const attachment = await messageAttachment({ message: stored, index: 0 });
    expect(attachment?.filename).toBe("note.txt");
    expect(attachment?.content.toString()).toBe("attached text");
    expect(await messageAttachment({ message: stored, index: 5 })).toBeNull();
    expect((await messageSource(stored))?.equals(htmlMail)).toBe(true);
  });
});
