// Blocked and allowed senders (server/senders/) through tRPC and the MX's write path:
// a member blocks an address or a domain and the next mail from it is stored as spam (Junk,
// a conversation of its own); an allowed address beats a block of its domain; "Not spam"
// reopens a Spam conversation and can remember the sender; "Block sender" on a conversation
// blocks and moves it to Spam. Another team's mailbox and conversation are NOT_FOUND, bad
// patterns a clear BAD_REQUEST, and every list change is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { deliverInbound } from "../../server/mail-store/deliver-inbound.ts";
import { normalizeSenderPattern } from "../../server/senders/sender-rules.ts";
import { useTestDatabase } from "../support/database.ts";
import { customerMail, deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "sender-rules-test-secret-0123456789abc";
const callerFor = sessionCaller(SECRET);

let annId = 0;
let oliviaId = 0;
let supportId = 0;
let salesId = 0;

/** Mail from `from` (envelope `mailFrom`) to support@ as the MX stores it; the conversation it landed in. */
async function arrive(from: string, mailFrom = from, subject?: string) {
  const [result] = await deliverInbound({
    raw: customerMail({ from, subject }).raw,
    mailFrom,
    recipients: [{ address: "support@example.com", mailboxId: supportId, quarantine: false }],
  });
  expect(result?.outcome).toBe("stored");
  const conversation = await db().conversation.findUniqueOrThrow({ where: { id: result?.conversationId as number } });
  const message = await db().message.findUniqueOrThrow({
    where: { id: result?.messageId as number },
    include: { entries: { include: { folder: true } } },
  });
  return { conversation, folders: message.entries.map((f) => f.folder.name) };
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  annId = await makeUser("ann@example.com", { name: "Ann" });
  oliviaId = await makeUser("olivia@example.com", { name: "Olivia" });
  supportId = await makeSharedMailbox("support@example.com", ["ann@example.com"]);
  salesId = await makeSharedMailbox("sales@example.com", ["olivia@example.com"]);
});

afterAll(async () => {
  await disconnectDb();
});

describe("patterns", () => {
  it("takes an address or a domain, lower-cased, and refuses anything else with a clear error", () => {
    expect(normalizeSenderPattern("  Spammer@Bad.Example ")).toBe("spammer@bad.example");
    expect(normalizeSenderPattern("@Bad.Example")).toBe("bad.example");
    expect(normalizeSenderPattern("bad.example")).toBe("bad.example");
    for (const bad of [
      "",
      "@",
      "a@",
      "@@x",
      "exa mple.com",
      "<x@y.example>",
      "x@-bad.example",
      `${"a".repeat(65)}@x.example`,
      "x@y@",
    ]) {
      expect(() => normalizeSenderPattern(bad), bad).toThrow(
        "Enter an address (name@example.com) or a domain (example.com).",
      );
    }
  });
});

describe("the list", () => {
  it("members add, list and remove; each change audited; another team's mailbox is NOT_FOUND", async () => {
    const ann = await callerFor(annId);
    const added = await ann.senders.add({ mailboxId: supportId, pattern: "Nuisance@Noise.Example", kind: "block" });
    expect(added.pattern).toBe("nuisance@noise.example");
    const list = await ann.senders.list({ mailboxId: supportId });
    expect(list.map((r) => [r.pattern, r.kind, r.createdBy?.name])).toEqual([
      ["nuisance@noise.example", "block", "Ann"],
    ]);
    // The same pattern again as allow replaces the block.
    await ann.senders.add({ mailboxId: supportId, pattern: "nuisance@noise.example", kind: "allow" });
    expect((await ann.senders.list({ mailboxId: supportId })).map((r) => r.kind)).toEqual(["allow"]);
    await ann.senders.remove({ mailboxId: supportId, ruleId: added.id });
    expect(await ann.senders.list({ mailboxId: supportId })).toEqual([]);
    const audit = await db().auditEvent.findMany({
      where: { subjectType: "mailbox", subjectId: String(supportId), action: { startsWith: "sender." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["sender.block", "sender.allow", "sender.remove"]);

    const olivia = await callerFor(oliviaId);
    const salesRule = await olivia.senders.add({ mailboxId: salesId, pattern: "x@y.example", kind: "block" });
    expect((await trpcError(ann.senders.list({ mailboxId: salesId }))).code).toBe("NOT_FOUND");
    expect((await trpcError(ann.senders.add({ mailboxId: salesId, pattern: "z@y.example", kind: "block" }))).code).toBe(
      "NOT_FOUND",
    );
    // Another mailbox's rule through one's own mailbox: not found either, and still there.
    expect((await trpcError(ann.senders.remove({ mailboxId: supportId, ruleId: salesRule.id }))).code).toBe(
      "NOT_FOUND",
    );
    expect(await olivia.senders.list({ mailboxId: salesId })).toHaveLength(1);
    const bad = await trpcError(ann.senders.add({ mailboxId: supportId, pattern: "not an address", kind: "block" }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toBe("Enter an address (name@example.com) or a domain (example.com).");
  });
});

describe("delivery", () => {
  it("a blocked address's mail is stored as spam in Junk, a conversation of its own; others are not", async () => {
    const ann = await callerFor(annId);
    const first = await arrive("Pushy <pushy@seller.example>", "pushy@seller.example", "Buy now");
    expect(first.conversation.status).toBe("open");
    await ann.senders.add({ mailboxId: supportId, pattern: "pushy@seller.example", kind: "block" });
    // A "reply" in the same thread does not join it.
    const blocked = await arrive("Pushy <PUSHY@seller.example>", "bounce@mailer.example", "Re: Buy now");
    expect(blocked.conversation.status).toBe("spam");
    expect(blocked.conversation.id).not.toBe(first.conversation.id);
    expect(blocked.folders).toEqual(["Junk"]);
    const colleague = await arrive("calm@seller.example");
    expect(colleague.conversation.status).toBe("open");
    expect(colleague.folders).toEqual(["INBOX"]);
  });

  it("a blocked domain holds for From and envelope; an allowed address beats it", async () => {
    const ann = await callerFor(annId);
    await ann.senders.add({ mailboxId: supportId, pattern: "spam.example", kind: "block" });
    expect((await arrive("anyone@spam.example")).conversation.status).toBe("spam");
    // A From elsewhere, sent through the blocked domain's servers.
    expect((await arrive("someone@elsewhere.example", "bulk@spam.example")).conversation.status).toBe("spam");
    await ann.senders.add({ mailboxId: supportId, pattern: "friend@spam.example", kind: "allow" });
    expect((await arrive("friend@spam.example")).conversation.status).toBe("open");
    expect((await arrive("friend@spam.example", "bulk@spam.example")).conversation.status).toBe("open");
    expect((await arrive("other@spam.example")).conversation.status).toBe("spam");
  });

  it("an allowed sender does not override DMARC quarantine (anyone can write that From)", async () => {
    const ann = await callerFor(annId);
    await ann.senders.add({ mailboxId: supportId, pattern: "trusted@partner.example", kind: "allow" });
    const [result] = await deliverInbound({
      raw: customerMail({ from: "trusted@partner.example" }).raw,
      mailFrom: "trusted@partner.example",
      recipients: [{ address: "support@example.com", mailboxId: supportId, quarantine: true }],
    });
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: result?.conversationId as number } });
    expect(conversation.status).toBe("spam");
  });
});

describe("on a conversation", () => {
  it("Not spam reopens it and can remember the sender, whose next mail is not spam despite a domain block", async () => {
    const ann = await callerFor(annId);
    await ann.senders.add({ mailboxId: supportId, pattern: "junky.example", kind: "block" });
    const spam = await arrive("Real Customer <real@junky.example>");
    expect(spam.conversation.status).toBe("spam");
    const result = await ann.senders.notSpam({ conversationId: spam.conversation.id, rememberSender: true });
    expect(result.state.status).toBe("open");
    expect(result.allowed?.pattern).toBe("real@junky.example");
    expect((await arrive("real@junky.example")).conversation.status).toBe("open");
    // Only a Spam conversation can be "not spam": the status seen is checked.
    const error = await trpcError(ann.senders.notSpam({ conversationId: spam.conversation.id, rememberSender: false }));
    expect(error.code).toBe("CONFLICT");
  });

  it("Block sender blocks the address (or domain) and moves the conversation to Spam; audited", async () => {
    const ann = await callerFor(annId);
    const { conversationId } = await deliver(supportId, { from: "Troll <troll@trolls.example>" });
    const result = await ann.senders.block({ conversationId, scope: "address" });
    expect(result.blocked.pattern).toBe("troll@trolls.example");
    expect(result.state.status).toBe("spam");
    expect((await arrive("troll@trolls.example")).conversation.status).toBe("spam");
    expect((await arrive("nice@trolls.example")).conversation.status).toBe("open");
    const other = await deliver(supportId, { from: "Troll2 <t2@trolls2.example>" });
    const byDomain = await ann.senders.block({ conversationId: other.conversationId, scope: "domain" });
    expect(byDomain.blocked.pattern).toBe("trolls2.example");
    expect(
      await db().auditEvent.count({
        where: {
          action: "conversation.status",
          subjectId: { in: [String(conversationId), String(other.conversationId)] },
        },
      }),
    ).toBe(2);
  });

  it("another team's conversation is NOT_FOUND for both, and nothing changes", async () => {
    const foreign = await deliver(salesId, { from: "x@foreign.example" });
    const ann = await callerFor(annId);
    expect((await trpcError(ann.senders.block({ conversationId: foreign.conversationId, scope: "domain" }))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (await trpcError(ann.senders.notSpam({ conversationId: foreign.conversationId, rememberSender: true }))).code,
    ).toBe("NOT_FOUND");
    expect(await db().senderRule.count({ where: { pattern: { contains: "foreign.example" } } })).toBe(0);
  });
});
