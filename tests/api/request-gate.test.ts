// The gate asked once per request (server/access/request-gate.ts): the calls of one request —
// the ten a conversation view makes, in one tRPC batch or one server render — share the gate's
// answer for each (user, resource). The answers are the gate's own (the same data as a caller
// that asks every time), another team's conversation is NOT_FOUND for every call, a mutation
// asks afresh and drops what was kept, nothing is kept from one request to the next, and a
// caller that is not one request (a test's, a script's) asks every time. The gate's functions
// are wrapped (vi.mock) only to count how often they are asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { authorizeConversation, authorizeMailbox, authorizeMessage, mailboxScope } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

vi.mock("../../server/access/gate.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../server/access/gate.ts")>();
  return {
    ...real,
    authorizeConversation: vi.fn(real.authorizeConversation),
    authorizeMessage: vi.fn(real.authorizeMessage),
    authorizeMailbox: vi.fn(real.authorizeMailbox),
    mailboxScope: vi.fn(real.mailboxScope),
  };
});

const SECRET = "request-gate-test-secret-0123456789abcdef";
/** Each caller one request, as the tRPC route and a server render make it. */
const requestFor = sessionCaller(SECRET, "POST", { oneRequest: true });
/** A caller that asks the gate every time (what tests and scripts use). */
const callerFor = sessionCaller(SECRET);

const ids = { alice: 0, olga: 0, support: 0, legal: 0, ours: 0, ourMessage: 0, theirs: 0 };

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_HOSTNAME = "mail.example.com";
  await useTestDatabase();
  await makeDomain();
  ids.alice = await makeUser("alice@example.com", { name: "Alice" });
  ids.olga = await makeUser("olga@example.com", { name: "Olga" });
  ids.support = await makeSharedMailbox("support@example.com", ["alice@example.com"]);
  ids.legal = await makeSharedMailbox("legal@example.com", ["olga@example.com"]);
  const ours = await deliver(ids.support, { subject: "Ours", from: "Kenji <kenji@shop.example>" });
  ids.ours = ours.conversationId;
  ids.ourMessage = ours.storedMessageId;
  ids.theirs = (await deliver(ids.legal, { subject: "Theirs" })).conversationId;
});

beforeEach(() => {
  vi.clearAllMocks();
});

afterAll(async () => {
  await disconnectDb();
});

type Caller = Awaited<ReturnType<typeof callerFor>>;

/** What the conversation view asks for (conversation-view.tsx), all at once. */
function view(caller: Caller, conversationId: number) {
  return Promise.all([
    caller.conversations.get({ conversationId }),
    caller.notes.list({ conversationId }),
    caller.tags.list({ conversationId }),
    caller.contacts.customer({ conversationId }),
    caller.drafts.get({ conversationId }),
    caller.approval.forConversation({ conversationId }),
    caller.workflow.state({ conversationId }),
    caller.workflow.history({ conversationId }),
    caller.workflow.statusLabels(),
    caller.me.session(),
    caller.preferences.get(),
  ]);
}

describe("one request", () => {
  it("asks the gate once for the conversation view's calls, and answers as asking every time does", async () => {
    const shared = await view(await requestFor(ids.alice), ids.ours);
    expect(vi.mocked(authorizeConversation).mock.calls).toEqual([[{ userId: ids.alice, conversationId: ids.ours }]]);
    vi.clearAllMocks();
    const asked = await view(await callerFor(ids.alice), ids.ours);
    expect(vi.mocked(authorizeConversation)).toHaveBeenCalledTimes(8);
    expect(shared).toEqual(asked);
    expect(shared[0].subject).toBe("Ours");
  });

  it("answers another team's conversation NOT_FOUND for every call, like a missing one, asking once", async () => {
    const alice = await requestFor(ids.alice);
    const calls = [
      () => alice.conversations.get({ conversationId: ids.theirs }),
      () => alice.notes.list({ conversationId: ids.theirs }),
      () => alice.workflow.state({ conversationId: ids.theirs }),
      () => alice.workflow.history({ conversationId: ids.theirs }),
    ];
    // One at a time: a rejected call is awaited before the next is made.
    for (const call of calls) {
      const error = await trpcError(call());
      expect([error.code, error.message]).toEqual(["NOT_FOUND", "No such conversation."]);
    }
    expect(vi.mocked(authorizeConversation)).toHaveBeenCalledTimes(1);
    const missing = await trpcError(alice.conversations.get({ conversationId: 2_147_483_647 }));
    expect([missing.code, missing.message]).toEqual(["NOT_FOUND", "No such conversation."]);
    // Olga's own request is asked about Olga: nothing Alice's request was told reaches it.
    expect((await (await requestFor(ids.olga)).conversations.get({ conversationId: ids.theirs })).subject).toBe(
      "Theirs",
    );
  });

  it("shares the message, mailbox and scope answers too, each asked once", async () => {
    const alice = await requestFor(ids.alice);
    await Promise.all([
      alice.conversations.message({ messageId: ids.ourMessage }),
      alice.conversations.message({ messageId: ids.ourMessage }),
      alice.mailbox.get({ mailboxId: ids.support }),
      alice.mailbox.get({ mailboxId: ids.support }),
      alice.workflow.counts({}),
      alice.workflow.counts({}),
      alice.workflow.counts({ mailboxId: ids.support }),
    ]);
    expect(vi.mocked(authorizeMessage)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(authorizeMailbox).mock.calls).toEqual([[{ userId: ids.alice, mailboxId: ids.support }]]);
    expect(vi.mocked(mailboxScope).mock.calls).toEqual([
      [{ userId: ids.alice, mailboxId: undefined }],
      [{ userId: ids.alice, mailboxId: ids.support }],
    ]);
  });

  it("asks afresh for a mutation and again after it: a conversation deleted in the request is NOT_FOUND", async () => {
    const mail = await deliver(ids.support, { subject: "Delete me" });
    const alice = await requestFor(ids.alice);
    expect((await alice.conversations.get({ conversationId: mail.conversationId })).subject).toBe("Delete me");
    await alice.recovery.deleteConversation({ conversationId: mail.conversationId });
    const gone = await trpcError(alice.conversations.get({ conversationId: mail.conversationId }));
    expect(gone.code).toBe("NOT_FOUND");
    expect(vi.mocked(authorizeConversation)).toHaveBeenCalledTimes(3);
  });

  it("does not keep a failed question: the next call asks again", async () => {
    const alice = await requestFor(ids.alice);
    vi.mocked(authorizeConversation).mockRejectedValueOnce(new Error("the database went away"));
    const failed = await trpcError(alice.workflow.state({ conversationId: ids.ours }));
    expect(failed.code).toBe("INTERNAL_SERVER_ERROR");
    expect((await alice.workflow.state({ conversationId: ids.ours })).state.status).toBe("open");
    expect(vi.mocked(authorizeConversation)).toHaveBeenCalledTimes(2);
  });
});

describe("from one request to the next", () => {
  it("keeps nothing: a member removed after a request is refused in the next", async () => {
    const mail = await deliver(ids.support, { subject: "Before and after" });
    const first = await requestFor(ids.alice);
    expect((await first.conversations.get({ conversationId: mail.conversationId })).subject).toBe("Before and after");
    const membership = await db().membership.findFirstOrThrow({ where: { mailboxId: ids.support, userId: ids.alice } });
    await db().membership.delete({ where: { id: membership.id } });
    try {
      const next = await requestFor(ids.alice);
      expect((await trpcError(next.conversations.get({ conversationId: mail.conversationId }))).code).toBe("NOT_FOUND");
      expect((await trpcError(next.mailbox.get({ mailboxId: ids.support }))).code).toBe("NOT_FOUND");
      expect(vi.mocked(authorizeConversation)).toHaveBeenCalledTimes(2);
    } finally {
      await db().membership.create({ data: { mailboxId: ids.support, userId: ids.alice } });
    }
  });

  it("a caller that is not one request asks the gate for every call", async () => {
    const alice = await callerFor(ids.alice);
    await alice.workflow.state({ conversationId: ids.ours });
    await alice.workflow.state({ conversationId: ids.ours });
    await Promise.all([alice.notes.list({ conversationId: ids.ours }), alice.tags.list({ conversationId: ids.ours })]);
    expect(vi.mocked(authorizeConversation)).toHaveBeenCalledTimes(4);
  });
});
