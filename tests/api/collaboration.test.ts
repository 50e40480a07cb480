// Working together on a conversation, through the tRPC routers with the
// context the HTTP route builds: notes and @mentions, notifications, tags,
// saved replies, signatures in the draft and the customer panel — and on
// every procedure, a conversation of another mailbox answers NOT_FOUND.
import type { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../../server/api/root.ts";
import { createContext } from "../../server/api/trpc.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { getBlob } from "../../server/mail-store/store-blob.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "collaboration-test-secret-0123456789abcdef";
const SECRET_NOTE = "Internal: customer is on the legacy plan, do not offer refunds <script>alert(1)</script>";

const ids = {
  admin: 0,
  alice: 0,
  bob: 0,
  outsider: 0,
  seller: 0,
  support: 0,
  sales: 0,
  hidden: 0,
  supportConversation: 0,
  supportMessage: 0,
  supportSecond: 0,
  salesConversation: 0,
  hiddenConversation: 0,
};

const callerFor = sessionCaller(SECRET);

/** A customer's mail about `subject`, as the saved-reply placeholders and the customer panel read it. */
const customerWrites = (mailboxId: number, subject: string, messageId: string) =>
  deliver(mailboxId, { from: "Hanako Sato <hanako@customer.example>", subject, text: `About ${subject}.`, messageId });

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await makeDomain();
  ids.admin = await makeUser("admin@example.com", { name: "Ada Admin", admin: true });
  ids.alice = await makeUser("alice@example.com", { name: "Alice Agent" });
  ids.bob = await makeUser("bob@example.com", { name: "Bob Builder" });
  ids.outsider = await makeUser("outsider@example.com", { name: "Olga Outsider" });
  ids.seller = await makeUser("seller@example.com", { name: "Sam Seller" });
  const mailbox = (address: string, displayName: string, memberEmails: string[]) =>
    makeSharedMailbox(address, memberEmails, { displayName });
  ids.support = await mailbox("support@example.com", "Example Support", ["alice@example.com", "bob@example.com"]);
  ids.sales = await mailbox("sales@example.com", "Sales", ["alice@example.com", "seller@example.com"]);
  ids.hidden = await mailbox("legal@example.com", "Legal", ["outsider@example.com"]);
  const first = await customerWrites(ids.support, "Broken teapot", "teapot-1@customer.example");
  ids.supportConversation = first.conversationId;
  ids.supportMessage = first.storedMessageId;
  ids.supportSecond = (await customerWrites(ids.support, "Chipped cup", "cup-1@customer.example")).conversationId;
  ids.salesConversation = (await customerWrites(ids.sales, "Bulk order", "bulk-1@customer.example")).conversationId;
  ids.hiddenConversation = (
    await customerWrites(ids.hidden, "Legal threat", "legal-1@customer.example")
  ).conversationId;
});

afterAll(async () => {
  await disconnectDb();
});

describe("membership", () => {
  it("answers NOT_FOUND on every conversation procedure for another mailbox's conversation and a missing one", async () => {
    const outsider = await callerFor(ids.outsider);
    for (const conversationId of [ids.supportConversation, 2_000_000_000]) {
      const calls: (() => Promise<unknown>)[] = [
        () => outsider.notes.list({ conversationId }),
        () => outsider.notes.members({ conversationId }),
        () => outsider.notes.add({ conversationId, body: "sneaky", mentions: [] }),
        () => outsider.tags.list({ conversationId }),
        () => outsider.tags.add({ conversationId, name: "sneaky" }),
        () => outsider.tags.remove({ conversationId, tagId: 1 }),
        () => outsider.contacts.customer({ conversationId }),
      ];
      for (const call of calls) expect((await trpcError(call())).code).toBe("NOT_FOUND");
    }
    expect(await db().note.count()).toBe(0);
    expect(await db().tag.count()).toBe(0);
  });

  it("answers NOT_FOUND for saved replies of a mailbox the caller is not in", async () => {
    const outsider = await callerFor(ids.outsider);
    expect((await trpcError(outsider.savedReplies.forMailbox({ mailboxId: ids.support }))).code).toBe("NOT_FOUND");
    expect(
      (
        await trpcError(
          outsider.savedReplies.render({
            conversationId: ids.supportConversation,
            savedReplyId: 1,
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });

  it("refuses a mutation without a session", async () => {
    const headers = new Headers({
      host: "yubin.test",
      origin: "http://yubin.test",
      "content-type": "application/json",
    });
    const anonymous = createCaller(await createContext({ method: "POST", headers }));
    expect((await trpcError(anonymous.notifications.markAllRead())).code).toBe("UNAUTHORIZED");
  });
});

describe("notes and mentions", () => {
  it("offers the mailbox's members for @mentions", async () => {
    const members = await (await callerFor(ids.alice)).notes.members({
      conversationId: ids.supportConversation,
    });
    expect(members.map((m) => m.email)).toEqual(["alice@example.com", "bob@example.com"]);
  });

  it("refuses to mention someone outside the mailbox, and writes nothing", async () => {
    const alice = await callerFor(ids.alice);
    const error = await trpcError(
      alice.notes.add({
        conversationId: ids.supportConversation,
        body: "@Sam Seller look",
        mentions: [ids.seller],
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("only members of this mailbox can be mentioned");
    expect(await db().note.count()).toBe(0);
    expect(await db().notification.count()).toBe(0);
  });

  it("refuses an empty note", async () => {
    const alice = await callerFor(ids.alice);
    const error = await trpcError(
      alice.notes.add({ conversationId: ids.supportConversation, body: "  \n ", mentions: [] }),
    );
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("stores the note as text, notifies the mentioned member but not the author, audits it and records a live event", async () => {
    const alice = await callerFor(ids.alice);
    const added = await alice.notes.add({
      conversationId: ids.supportConversation,
      body: `@Bob Builder @Alice Agent ${SECRET_NOTE}`,
      mentions: [ids.bob, ids.alice],
    });
    const notes = await alice.notes.list({ conversationId: ids.supportConversation });
    expect(notes).toHaveLength(1);
    // Returned exactly as typed: React renders it as text, so the tag is never markup.
    expect(notes[0]?.body).toBe(`@Bob Builder @Alice Agent ${SECRET_NOTE}`);
    expect(notes[0]?.author?.email).toBe("alice@example.com");
    expect(notes[0]?.mentions.map((m) => m.email).sort()).toEqual(["alice@example.com", "bob@example.com"]);

    const notifications = await db().notification.findMany();
    expect(notifications).toEqual([
      expect.objectContaining({
        userId: ids.bob,
        kind: "note.mention",
        conversationId: ids.supportConversation,
        noteId: added.id,
        actorId: ids.alice,
        readAt: null,
      }),
    ]);
    const audit = await db().auditEvent.findFirst({
      where: { action: "note.add", subjectType: "conversation", subjectId: String(ids.supportConversation) },
    });
    expect(audit?.actorId).toBe(ids.alice);
    const live = await db().liveEvent.findFirst({ where: { kind: "note.added" } });
    expect(live).toMatchObject({ mailboxId: ids.support, conversationId: ids.supportConversation, actorId: ids.alice });
  });

  it("never puts a note into a reply's draft or the message sent", async () => {
    const alice = await callerFor(ids.alice);
    for (const mode of ["reply", "reply_all", "forward"] as const) {
      const draft = await alice.conversations.draft({ messageId: ids.supportMessage, mode });
      expect(JSON.stringify(draft)).not.toContain("legacy plan");
    }
    const sent = await alice.conversations.send({
      messageId: ids.supportMessage,
      mode: "reply",
      to: "hanako@customer.example",
      subject: "Re: Broken teapot",
      text: "We are sending a new one.",
    });
    const stored = await db().message.findUniqueOrThrow({ where: { id: sent.messageId ?? 0 } });
    const raw = (await getBlob(stored.blobSha256))?.toString("utf8") ?? "";
    expect(raw).toContain("We are sending a new one.");
    expect(raw).not.toContain("legacy plan");
    const outbound = await db().outboundMessage.findMany({ select: { blob: { select: { bytes: true } } } });
    for (const o of outbound) expect(Buffer.from(o.blob.bytes).toString("utf8")).not.toContain("legacy plan");
  });
});

describe("notifications", () => {
  it("counts, lists and marks read one or all, only the caller's own", async () => {
    const alice = await callerFor(ids.alice);
    const bob = await callerFor(ids.bob);
    await alice.notes.add({
      conversationId: ids.supportConversation,
      body: "@Bob Builder second one",
      mentions: [ids.bob],
    });
    expect(await bob.notifications.unreadCount()).toBe(2);
    expect(await alice.notifications.unreadCount()).toBe(0);
    const list = await bob.notifications.list();
    expect(list.map((n) => [n.subject, n.actor?.name, n.excerpt])).toEqual([
      ["Broken teapot", "Alice Agent", "@Bob Builder second one"],
      ["Broken teapot", "Alice Agent", expect.stringContaining("legacy plan")],
    ]);
    const [newest] = list;
    // Alice cannot mark Bob's notification read.
    expect(await alice.notifications.markRead({ ids: [newest?.id ?? 0] })).toBe(0);
    expect(await bob.notifications.markRead({ ids: [newest?.id ?? 0] })).toBe(1);
    expect(await bob.notifications.unreadCount()).toBe(1);
    expect(await bob.notifications.markAllRead()).toBe(1);
    expect(await bob.notifications.unreadCount()).toBe(0);
  });
});

describe("tags", () => {
  it("creates a tag in the conversation's mailbox from a trimmed name and reuses it there whatever the letter case", async () => {
    const alice = await callerFor(ids.alice);
    const bob = await callerFor(ids.bob);
    const first = await alice.tags.add({ conversationId: ids.supportConversation, name: "  Billing  " });
    expect(first).toMatchObject({ name: "Billing", created: true });
    const again = await bob.tags
      .add({ conversationId: ids.salesConversation, name: "billing" })
      .catch((e: unknown) => e);
    // Bob is not in sales: not found, and nothing created.
    expect((again as TRPCError).code).toBe("NOT_FOUND");
    const same = await bob.tags.add({ conversationId: ids.supportSecond, name: "BILLING" });
    expect(same).toMatchObject({ id: first.id, name: "Billing", created: false });
    // Another mailbox gets a tag of its own, however it is spelt there.
    const sales = await alice.tags.add({ conversationId: ids.salesConversation, name: "billing" });
    expect(sales).toMatchObject({ name: "billing", created: true });
    expect(sales.id).not.toBe(first.id);
    expect(await db().tag.count()).toBe(2);
    // Adding a tag the conversation already has changes nothing.
    await alice.tags.add({ conversationId: ids.supportConversation, name: "billing" });
    expect(await alice.tags.list({ conversationId: ids.supportConversation })).toEqual([
      { id: first.id, name: "Billing", color: "slate" },
    ]);
    expect(await db().auditEvent.count({ where: { action: "tag.add" } })).toBe(3);
    expect(await db().liveEvent.count({ where: { kind: "conversation.tagged" } })).toBe(3);
  });

  it("creates one tag when two members type the same new name at once", async () => {
    const alice = await callerFor(ids.alice);
    const bob = await callerFor(ids.bob);
    await Promise.all([
      alice.tags.add({ conversationId: ids.supportConversation, name: "Urgent" }),
      bob.tags.add({ conversationId: ids.supportSecond, name: "urgent" }),
    ]);
    expect(
      await db().tag.count({ where: { mailboxId: ids.support, name: { equals: "urgent", mode: "insensitive" } } }),
    ).toBe(1);
  });

  it("refuses an empty or too long name", async () => {
    const alice = await callerFor(ids.alice);
    for (const name of ["   ", "x".repeat(41)]) {
      const error = await trpcError(alice.tags.add({ conversationId: ids.supportConversation, name }));
      expect(error.code).toBe("BAD_REQUEST");
    }
    await alice.tags.add({ conversationId: ids.supportConversation, name: "日".repeat(40) });
  });

  it("shows tags in the inbox rows and removes one with an audit event", async () => {
    const alice = await callerFor(ids.alice);
    const page = await alice.workflow.inbox({ folder: "all", mailboxId: ids.support });
    const row = page.items.find((c) => c.id === ids.supportConversation);
    // Whichever of "Urgent" and "urgent" won the race above named the one tag.
    const urgent = (
      await db().tag.findFirstOrThrow({
        where: { mailboxId: ids.support, name: { equals: "urgent", mode: "insensitive" } },
      })
    ).name;
    expect(row?.tags.map((t) => t.name)).toEqual(["Billing", urgent, "日".repeat(40)]);
    const billing = row?.tags.find((t) => t.name === "Billing");
    await alice.tags.remove({ conversationId: ids.supportConversation, tagId: billing?.id ?? 0 });
    expect((await alice.tags.list({ conversationId: ids.supportConversation })).map((t) => t.name)).toEqual([
      urgent,
      "日".repeat(40),
    ]);
    expect(await db().auditEvent.count({ where: { action: "tag.remove" } })).toBe(1);
    const error = await trpcError(
      alice.tags.remove({ conversationId: ids.supportConversation, tagId: billing?.id ?? 0 }),
    );
    expect(error.code).toBe("NOT_FOUND");
  });

  it("never shows a tag name of a mailbox the caller cannot open", async () => {
    const outsider = await callerFor(ids.outsider);
    const lawsuit = await outsider.tags.add({ conversationId: ids.hiddenConversation, name: "Lawsuit pending" });
    const alice = await callerFor(ids.alice);
    const names = (tags: { name: string }[]) => tags.map((t) => t.name);
    // The picker offers the conversation's own mailbox's tags; the filters, those of the mailboxes in view.
    expect(names(await alice.tags.all({ conversationId: ids.supportConversation }))).not.toContain("Lawsuit pending");
    expect(names(await alice.tags.all({ conversationId: ids.salesConversation }))).toEqual(["billing"]);
    expect(names((await alice.workflow.filterOptions({})).tags)).not.toContain("Lawsuit pending");
    expect(names(await outsider.tags.all({ conversationId: ids.hiddenConversation }))).toEqual(["Lawsuit pending"]);
    expect(names((await outsider.workflow.filterOptions({})).tags)).toEqual(["Lawsuit pending"]);
    // Another team's tag id as an inbox filter matches nothing; its picker is NOT_FOUND.
    expect((await alice.workflow.inbox({ folder: "all", tagId: lawsuit.id })).items).toEqual([]);
    expect((await trpcError(alice.tags.all({ conversationId: ids.hiddenConversation }))).code).toBe("NOT_FOUND");
  });
});

describe("saved replies", () => {
  it("lets admins make global ones and members their mailbox's own, and fills the placeholders", async () => {
    const admin = await callerFor(ids.admin);
    const alice = await callerFor(ids.alice);
    const bob = await callerFor(ids.bob);
    const seller = await callerFor(ids.seller);
    expect((await trpcError(alice.savedReplies.create({ mailboxId: null, title: "Global", body: "x" }))).code).toBe(
      "BAD_REQUEST",
    );
    const global = await admin.savedReplies.create({
      mailboxId: null,
      title: "Thanks",
      body: "Dear {{customer.name}} ({{ customer.email }}),\nthanks! {{unknown.thing}}\n{{agent.name}}, {{mailbox.name}}",
    });
    const own = await alice.savedReplies.create({
      mailboxId: ids.support,
      title: "Refund",
      body: "Hi {{customer.name}}, your refund is on its way.",
    });
    const salesOnly = await seller.savedReplies.create({
      mailboxId: ids.sales,
      title: "Quote",
      body: "Quote attached.",
    });
    expect((await trpcError(bob.savedReplies.create({ mailboxId: ids.sales, title: "x", body: "y" }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await bob.savedReplies.forMailbox({ mailboxId: ids.support })).map((r) => r.title)).toEqual([
      "Refund",
      "Thanks",
    ]);

    const rendered = await bob.savedReplies.render({
      conversationId: ids.supportConversation,
      savedReplyId: global.id,
    });
    expect(rendered.text).toBe(
      "Dear Hanako Sato (hanako@customer.example),\nthanks! {{unknown.thing}}\nBob Builder, Example Support",
    );
    // Another mailbox's saved reply is not found, whichever conversation asks for it.
    for (const input of [
      { conversationId: ids.supportConversation, savedReplyId: salesOnly.id },
      { conversationId: ids.salesConversation, savedReplyId: own.id },
    ]) {
      expect((await trpcError(alice.savedReplies.render(input))).code).toBe("NOT_FOUND");
    }
    // Editing and deleting follow the same rule.
    expect(
      (await trpcError(bob.savedReplies.update({ id: salesOnly.id, mailboxId: ids.support, title: "x", body: "y" })))
        .code,
    ).toBe("NOT_FOUND");
    expect((await trpcError(bob.savedReplies.delete({ id: global.id }))).code).toBe("NOT_FOUND");
    await bob.savedReplies.update({ id: own.id, mailboxId: ids.support, title: "Refund!", body: "Ok." });
    await bob.savedReplies.delete({ id: own.id });
    expect((await admin.savedReplies.manageable()).map((r) => r.title)).toEqual(["Quote", "Thanks"]);
  });
});

describe("signatures", () => {
  it("puts the mailbox's and then the member's signature in the draft", async () => {
    const admin = await callerFor(ids.admin);
    const alice = await callerFor(ids.alice);
    const bob = await callerFor(ids.bob);
    const draft = () => alice.conversations.draft({ messageId: ids.supportMessage, mode: "reply" });
    expect((await draft()).signature).toBe("");
    expect((await trpcError(alice.signatures.setMailbox({ mailboxId: ids.support, signature: "x" }))).code).toBe(
      "NOT_FOUND",
    );
    await admin.signatures.setMailbox({
      mailboxId: ids.support,
      signature: "Example Support\r\n+81 3 0000 0000",
    });
    await alice.signatures.setMine({ signature: "  Alice Agent  " });
    expect((await draft()).signature).toBe("-- \nExample Support\n+81 3 0000 0000\nAlice Agent");
    expect(await alice.signatures.mine()).toBe("Alice Agent");
    // Bob's draft has the mailbox's signature but not Alice's.
    const bobs = await bob.conversations.draft({
      messageId: ids.supportMessage,
      mode: "reply",
    });
    expect(bobs.signature).toBe("-- \nExample Support\n+81 3 0000 0000");
  });
});

describe("customer panel", () => {
  it("lists the contact's other conversations only in mailboxes the viewer works in", async () => {
    const alice = await callerFor(ids.alice);
    const bob = await callerFor(ids.bob);
    const panel = await alice.contacts.customer({ conversationId: ids.supportConversation });
    expect(panel.contact).toEqual({ name: "Hanako Sato", email: "hanako@customer.example" });
    expect(panel.previous.map((c) => [c.id, c.mailbox.address])).toEqual([
      [ids.salesConversation, "sales@example.com"],
      [ids.supportSecond, "support@example.com"],
    ]);
    // Bob is not in sales; nobody here is in legal.
    const bobs = await bob.contacts.customer({ conversationId: ids.supportConversation });
    expect(bobs.previous.map((c) => c.id)).toEqual([ids.supportSecond]);
    expect(JSON.stringify(panel)).not.toContain("Legal threat");
  });
});
