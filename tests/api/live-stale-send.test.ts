// The stale-send guard (issue 5, "Collision control"): a reply composed
// before a newer message arrived in the conversation is held with CONFLICT
// "New activity since you started — review and send"; the second click
// (confirmNewActivity) sends. Through the tRPC caller the browser's POST uses.
import { TRPCError } from "@trpc/server";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { sessionCaller } from "../support/trpc-caller.ts";

const SECRET = "live-stale-send-secret-0123456789abcdef";
let agentA = 0;
let agentB = 0;
let supportId = 0;
let firstMessageId = 0;
let conversationId = 0;

const callerFor = sessionCaller(SECRET);

async function customerMail(messageId: string, text: string, inReplyTo?: string) {
  const raw = await new MailComposer({
    from: "Hanako Sato <hanako@customer.example>",
    to: "support@example.com",
    subject: inReplyTo ? "Re: Broken kettle" : "Broken kettle",
    text,
    messageId,
    inReplyTo,
    references: inReplyTo,
  })
    .compile()
    .build();
  const [stored] = await storeMessage({ raw, mailboxIds: [supportId], direction: "inbound" });
  if (stored?.outcome !== "stored") throw new Error("not stored");
  return stored;
}

const reply = (over: Record<string, unknown> = {}) => ({
  messageId: firstMessageId,
  mode: "reply" as const,
  to: "hanako@customer.example",
  subject: "Re: Broken kettle",
  text: "A new kettle is on its way.",
  ...over,
});

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  agentA = (await createUser({ email: "a@example.com", password: "password A 123", actorId: null })).user.id;
  agentB = (await createUser({ email: "b@example.com", password: "password B 123", actorId: null })).user.id;
  supportId = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      memberEmails: ["a@example.com", "b@example.com"],
      actorId: null,
    })
  ).id;
  const first = await customerMail("<kettle-1@customer.example>", "My kettle leaks.");
  firstMessageId = first.messageId;
  conversationId = first.conversationId;
});

afterAll(async () => {
  await disconnectDb();
});

describe("stale-send guard", () => {
  it("sends when nothing newer than what the composer saw arrived", async () => {
    const sent = await (await callerFor(agentA)).conversations.send(reply({ seenMessageId: firstMessageId }));
    expect(sent.conversationId).toBe(conversationId);
  });

  it("holds B's send after A's reply, then sends on the second click", async () => {
    const before = await db().outboundMessage.count();
    // B opened the composer when only the customer's first message was there; A replied since.
    const error = await (await callerFor(agentB)).conversations.send(reply({ seenMessageId: firstMessageId })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("CONFLICT");
    expect((error as TRPCError).message).toBe("New activity since you started — review and send");
    expect(await db().outboundMessage.count()).toBe(before);

    const sent = await (await callerFor(agentB)).conversations.send(
      reply({ seenMessageId: firstMessageId, confirmNewActivity: true }),
    );
    expect(sent.conversationId).toBe(conversationId);
    expect(await db().outboundMessage.count()).toBe(before + 1);
  });

  it("holds a send when the customer wrote again while composing", async () => {
    const latest = await db().message.findFirstOrThrow({ where: { conversationId }, orderBy: { id: "desc" } });
    const next = await customerMail("<kettle-2@customer.example>", "Also the lid.", "<kettle-1@customer.example>");
    expect(next.conversationId).toBe(conversationId);
    const error = await (await callerFor(agentA)).conversations.send(reply({ seenMessageId: latest.id })).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as TRPCError).code).toBe("CONFLICT");
    // Having seen the new message, the same send goes through.
    await expect(
      (await callerFor(agentA)).conversations.send(reply({ seenMessageId: next.messageId })),
    ).resolves.toMatchObject({ conversationId });
  });

  it("leaves callers that do not use the guard (scripts, older clients) unchanged", async () => {
    await expect((await callerFor(agentA)).conversations.send(reply())).resolves.toMatchObject({ conversationId });
  });
});
