// Drafts through the tRPC `drafts` router with the context the HTTP route
// builds: one per user and conversation, seen by its author only (another
// member of the mailbox has their own, an outsider gets NOT_FOUND), its HTML
// cut to the composer's allow-list, a message of another conversation
// refused, the inbox row marked "Draft" for its author only, and the draft
// gone once the reply is sent (or held for approval) or discarded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { MAX_COMPOSE_TEXT_CHARS } from "../../server/limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "drafts-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);

let alice = 0;
let bob = 0;
let outsider = 0;
let trainee = 0;
let support = 0;
let first = { conversationId: 0, storedMessageId: 0 };
let second = { conversationId: 0, storedMessageId: 0 };
let foreign = { conversationId: 0, storedMessageId: 0 };

const draftOf = (target: { conversationId: number; storedMessageId: number }, over: Record<string, unknown> = {}) => ({
  conversationId: target.conversationId,
  messageId: target.storedMessageId,
  mode: "reply" as const,
  to: "Hanako <hanako@customer.example>",
  cc: "",
  bcc: "",
  subject: "Re: Help",
  text: "Half an answer",
  html: null,
  forwardAttachments: [],
  seenMessageId: target.storedMessageId,
  ...over,
});

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await makeDomain();
  alice = await makeUser("alice@example.com");
  bob = await makeUser("bob@example.com");
  outsider = await makeUser("outsider@example.com");
  trainee = await makeUser("trainee@example.com");
  support = await makeSharedMailbox("support@example.com", ["alice@example.com", "bob@example.com"]);
  const sales = await makeSharedMailbox("sales@example.com", ["outsider@example.com"]);
  await db().membership.create({ data: { mailboxId: support, userId: trainee, needsApproval: true } });
  first = await deliver(support, { from: "Hanako <hanako@customer.example>", subject: "Help" });
  second = await deliver(support, { subject: "Other question" });
  foreign = await deliver(sales, { subject: "Sales question" });
});

afterAll(async () => {
  await disconnectDb();
});

describe("drafts", () => {
  it("keeps one draft per user and conversation, for its author's eyes only", async () => {
    const asAlice = await callerFor(alice);
    expect(await asAlice.drafts.get({ conversationId: first.conversationId })).toBeNull();
    await asAlice.drafts.save(draftOf(first));
    await asAlice.drafts.save(draftOf(first, { text: "A whole answer", mode: "reply_all" }));
    expect(await db().draft.count()).toBe(1);
    expect(await asAlice.drafts.get({ conversationId: first.conversationId })).toMatchObject({
      messageId: first.storedMessageId,
      mode: "reply_all",
      text: "A whole answer",
      seenMessageId: first.storedMessageId,
    });
    // Bob, a member of the same mailbox, sees no draft of Alice's and keeps his own.
    const asBob = await callerFor(bob);
    expect(await asBob.drafts.get({ conversationId: first.conversationId })).toBeNull();
    await asBob.drafts.save(draftOf(first, { text: "Bob's words" }));
    expect((await asAlice.drafts.get({ conversationId: first.conversationId }))?.text).toBe("A whole answer");
    expect((await asBob.drafts.get({ conversationId: first.conversationId }))?.text).toBe("Bob's words");
    // Bob's discard removes his own only.
    expect(await asBob.drafts.discard({ conversationId: first.conversationId })).toEqual({ discarded: true });
    expect(await asBob.drafts.discard({ conversationId: first.conversationId })).toEqual({ discarded: false });
    expect((await asAlice.drafts.get({ conversationId: first.conversationId }))?.text).toBe("A whole answer");
  });

  it("answers an outsider, and a message of another conversation, like a missing one", async () => {
    const asOutsider = await callerFor(outsider);
    expect((await trpcError(asOutsider.drafts.get({ conversationId: first.conversationId }))).code).toBe("NOT_FOUND");
    expect((await trpcError(asOutsider.drafts.save(draftOf(first)))).code).toBe("NOT_FOUND");
    const asAlice = await callerFor(alice);
    // Alice's own conversation, with another mailbox's message (or another conversation's) in it.
    const crossed = await trpcError(asAlice.drafts.save(draftOf(first, { messageId: foreign.storedMessageId })));
    const missing = await trpcError(asAlice.drafts.save(draftOf(first, { messageId: 2_147_483_647 })));
    expect([crossed.code, crossed.message]).toEqual([missing.code, missing.message]);
    expect(crossed.code).toBe("NOT_FOUND");
    const other = await trpcError(asAlice.drafts.save(draftOf(first, { messageId: second.storedMessageId })));
    expect(other.code).toBe("NOT_FOUND");
    // Hostile sizes and shapes are refused before anything is stored.
    const tooLong = await trpcError(
      asAlice.drafts.save(draftOf(second, { text: "x".repeat(MAX_COMPOSE_TEXT_CHARS + 1) })),
    );
    expect(tooLong.code).toBe("BAD_REQUEST");
    expect((await trpcError(asAlice.drafts.save(draftOf(second, { text: "nul\u0000" })))).code).toBe("BAD_REQUEST");
    expect((await trpcError(asAlice.drafts.save(draftOf(second, { mode: "bounce" })))).code).toBe("BAD_REQUEST");
    expect(await db().draft.count({ where: { conversationId: second.conversationId } })).toBe(0);
    expect((await trpcError((await callerFor(null)).drafts.get({ conversationId: first.conversationId }))).code).toBe(
      "UNAUTHORIZED",
    );
  });

  it("keeps only the composer's allow-list of the rich text", async () => {
    const asAlice = await callerFor(alice);
    await asAlice.drafts.save(
      draftOf(second, {
        html: '<b>Bold</b> <img src="https://tracker.example/p.gif" onerror="alert(1)"><script>alert(2)</script><a href="javascript:x()">x</a>',
      }),
    );
    const html = (await asAlice.drafts.get({ conversationId: second.conversationId }))?.html ?? "";
    expect(html).toContain("<b>Bold</b>");
    expect(html).not.toMatch(/img|onerror|script|javascript/);
  });

  it("marks the inbox row 'Draft' for its author only", async () => {
    const rows = async (userId: number) =>
      (await (await callerFor(userId)).workflow.inbox({ folder: "open" })).items.map((c) => [c.subject, c.draft]);
    expect(await rows(alice)).toEqual(
      expect.arrayContaining([
        ["Help", true],
        ["Other question", true],
      ]),
    );
    expect(await rows(bob)).toEqual(
      expect.arrayContaining([
        ["Help", false],
        ["Other question", false],
      ]),
    );
  });

  it("is gone once the reply is sent, or held for approval", async () => {
    const asAlice = await callerFor(alice);
    await asAlice.conversations.send({
      messageId: first.storedMessageId,
      mode: "reply",
      to: "hanako@customer.example",
      subject: "Re: Help",
      text: "A whole answer",
    });
    expect(await asAlice.drafts.get({ conversationId: first.conversationId })).toBeNull();
    // Alice's other draft and Bob's nothing are untouched.
    expect(await asAlice.drafts.get({ conversationId: second.conversationId })).not.toBeNull();

    const asTrainee = await callerFor(trainee);
    await asTrainee.drafts.save(draftOf(first, { text: "Trainee's try" }));
    const held = await asTrainee.conversations.send({
      messageId: first.storedMessageId,
      mode: "reply",
      to: "hanako@customer.example",
      subject: "Re: Help",
      text: "Trainee's try",
    });
    expect(held.held).toBe(true);
    expect(await asTrainee.drafts.get({ conversationId: first.conversationId })).toBeNull();
  });
});
