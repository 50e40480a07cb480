// The recovery procedures as the browser calls them: a member deletes a
// conversation or a message, finds it in "Recently deleted" and restores it;
// a non-member gets NOT_FOUND for the mailbox, the conversation and the
// message alike; an agent is refused the admin procedures (NOT_FOUND, as for
// a procedure that does not exist); an admin finds
// deleted mail across mailboxes and restores it; everything is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "recovery-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
const ids = { admin: 0, alice: 0, olga: 0, support: 0, legal: 0 };

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  ids.admin = await makeUser("admin@example.com", { admin: true });
  ids.alice = await makeUser("alice@example.com", { name: "Alice" });
  ids.olga = await makeUser("olga@example.com");
  ids.support = await makeSharedMailbox("support@example.com", ["alice@example.com"]);
  ids.legal = await makeSharedMailbox("legal@example.com", ["olga@example.com"]);
});

afterAll(async () => {
  await disconnectDb();
});

describe("a member", () => {
  it("deletes a conversation, sees it in Recently deleted and restores it; an outsider cannot", async () => {
    const alice = await callerFor(ids.alice);
    const olga = await callerFor(ids.olga);
    const mail = await deliver(ids.support, { subject: "Cancel my order", from: "Kenji <kenji@shop.example>" });
    const inbox = async () =>
      (await alice.workflow.inbox({ mailboxId: ids.support, folder: "all" })).items.map((i) => i.id);
    expect(await inbox()).toContain(mail.conversationId);

    // Outsiders cannot delete: NOT_FOUND, as for a conversation that does not exist.
    expect((await trpcError(olga.recovery.deleteConversation({ conversationId: mail.conversationId }))).code).toBe(
      "NOT_FOUND",
    );
    await alice.recovery.deleteConversation({ conversationId: mail.conversationId });
    expect(await inbox()).not.toContain(mail.conversationId);
    expect((await alice.search.conversations({ q: "Cancel order" })).items ?? []).toEqual([]);
    expect((await trpcError(alice.conversations.get({ conversationId: mail.conversationId }))).code).toBe("NOT_FOUND");

    const deleted = await alice.recovery.recentlyDeleted({});
    expect(deleted.items.map((i) => [i.messageId, i.subject, i.deletedBy, i.deletedVia])).toEqual([
      [mail.storedMessageId, "Cancel my order", "Alice", "web"],
    ]);
    // Olga sees none of it, and cannot restore it: NOT_FOUND for the mailbox, and nothing to restore in hers.
    expect((await olga.recovery.recentlyDeleted({})).items).toEqual([]);
    expect((await trpcError(olga.recovery.recentlyDeleted({ mailboxId: ids.support }))).code).toBe("NOT_FOUND");
    expect(
      (await trpcError(olga.recovery.restore({ mailboxId: ids.support, deletedConversationId: mail.conversationId })))
        .code,
    ).toBe("NOT_FOUND");
    expect(
      (await trpcError(olga.recovery.restore({ mailboxId: ids.legal, messageIds: [mail.storedMessageId] }))).code,
    ).toBe("NOT_FOUND");

    const restored = await alice.recovery.restore({
      mailboxId: ids.support,
      deletedConversationId: mail.conversationId,
    });
    expect(restored.restoredConversationIds).toEqual([mail.conversationId]);
    expect(await inbox()).toContain(mail.conversationId);
    expect((await alice.conversations.get({ conversationId: mail.conversationId })).messages).toHaveLength(1);
    expect((await alice.recovery.recentlyDeleted({})).items).toEqual([]);

    const audit = await db().auditEvent.findMany({
      where: { actorId: ids.alice, action: { in: ["message.delete", "conversation.delete", "message.restore"] } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["conversation.delete", "message.delete", "message.restore"]);
  });

  it("deletes a single message; a deleted one is NOT_FOUND afterwards", async () => {
    const alice = await callerFor(ids.alice);
    const olga = await callerFor(ids.olga);
    const mail = await deliver(ids.support, { subject: "One message" });
    expect((await trpcError(olga.recovery.deleteMessage({ messageId: mail.storedMessageId }))).code).toBe("NOT_FOUND");
    const result = await alice.recovery.deleteMessage({ messageId: mail.storedMessageId });
    expect(result).toEqual({ deletedMessageIds: [mail.storedMessageId], hiddenConversationIds: [mail.conversationId] });
    expect((await trpcError(alice.recovery.deleteMessage({ messageId: mail.storedMessageId }))).code).toBe("NOT_FOUND");
    await alice.recovery.restore({ mailboxId: ids.support, messageIds: [mail.storedMessageId] });
    expect(
      (await trpcError(alice.recovery.restore({ mailboxId: ids.support, messageIds: [mail.storedMessageId] }))).code,
    ).toBe("NOT_FOUND");
  });
});

describe("an admin", () => {
  it("finds deleted mail in any mailbox by mailbox, sender, subject and date, and restores it", async () => {
    const olga = await callerFor(ids.olga);
    const admin = await callerFor(ids.admin);
    const alice = await callerFor(ids.alice);
    const at = new Date("2026-02-03T04:05:06Z");
    const legalMail = await deliver(ids.legal, { subject: "Contract draft", from: "lawyer@firm.example" }, { at });
    await olga.recovery.deleteConversation({ conversationId: legalMail.conversationId });

    // An agent is refused the admin procedures, as if they did not exist.
    expect((await trpcError(alice.recovery.admin.search({}))).code).toBe("NOT_FOUND");
    expect((await trpcError(alice.recovery.admin.restore({ mailboxId: ids.legal }))).code).toBe("NOT_FOUND");
    expect((await trpcError(alice.recovery.admin.setRetention({ mailboxId: ids.legal, days: 5 }))).code).toBe(
      "NOT_FOUND",
    );

    const found = async (input: Parameters<typeof admin.recovery.admin.search>[0]) =>
      (await admin.recovery.admin.search(input)).items.map((i) => i.messageId);
    // The admin is no member of legal@, and still finds its deleted mail.
    expect(await found({ mailboxId: ids.legal })).toEqual([legalMail.storedMessageId]);
    expect(await found({ from: "lawyer@" })).toEqual([legalMail.storedMessageId]);
    expect(await found({ subject: "contract" })).toEqual([legalMail.storedMessageId]);
    expect(await found({ since: new Date("2026-02-03T00:00:00Z"), before: new Date("2026-02-04T00:00:00Z") })).toEqual([
      legalMail.storedMessageId,
    ]);
    expect(await found({ since: new Date("2026-02-04T00:00:00Z") })).not.toContain(legalMail.storedMessageId);
    expect(await found({ mailboxId: ids.support, subject: "contract" })).toEqual([]);

    await admin.recovery.admin.setRetention({ mailboxId: ids.legal, days: 90 });
    expect(await admin.recovery.admin.retention({ mailboxId: ids.legal })).toEqual({ days: 90, isDefault: false });
    const [row] = (await admin.recovery.admin.search({ mailboxId: ids.legal })).items;
    expect(new Date(row?.purgeAt ?? 0).getTime() - new Date(row?.deletedAt ?? 0).getTime()).toBe(90 * 86_400_000);

    await admin.recovery.admin.restore({ mailboxId: ids.legal, messageIds: [legalMail.storedMessageId] });
    expect((await olga.conversations.get({ conversationId: legalMail.conversationId })).subject).toBe("Contract draft");
    expect(
      await db().auditEvent.count({
        where: { actorId: ids.admin, action: "message.restore", subjectId: String(legalMail.storedMessageId) },
      }),
    ).toBe(1);
  });
});
