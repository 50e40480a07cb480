// The message trace's procedures as the browser calls them: admins search
// and read stories; an agent is answered as for a procedure that does not
// exist (NOT_FOUND) and the attempt is audited; inputs are checked (a
// bounded time range, an IP for the client address, no NUL), and a stored
// message leads to its trace by its Message-ID.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import type { TraceRecord } from "../../server/trace/trace-record.ts";
import { createTraceWriter } from "../../server/trace/trace-writer.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "trace-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET, "GET");
const HOUR = 3600_000;
const ids = { admin: 0, alice: 0, support: 0, traceId: 0, conversationId: 0, messageId: 0 };
let at = new Date();

function record(over: Partial<TraceRecord>): TraceRecord {
  return {
    kind: "mx",
    result: "delivered",
    startedAt: at,
    endedAt: at,
    sessionId: "s.1",
    clientAddress: "198.51.100.20",
    mailFrom: "kenji@shop.example",
    recipients: [{ address: "support@example.com", code: 250, reply: "250 2.1.5 Accepted" }],
    reply: { code: 250, text: "250 2.6.0 Message accepted as s.1" },
    ...over,
  };
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  ids.admin = await makeUser("admin@example.com", { admin: true });
  ids.alice = await makeUser("alice@example.com");
  ids.support = await makeSharedMailbox("support@example.com", ["alice@example.com"]);
  const mail = await deliver(ids.support, { subject: "Order 42", messageId: "order42@shop.example" });
  const stored = await db().message.findFirstOrThrow({ where: { id: mail.storedMessageId } });
  at = new Date(stored.internalDate.getTime() + 1000);
  ids.conversationId = mail.conversationId;
  ids.messageId = mail.storedMessageId;
  const writer = createTraceWriter({ flushMs: 1 });
  writer.add(
    record({
      messageIdHeader: "order42@shop.example",
      subject: "Order 42",
      messageIds: [mail.storedMessageId],
      conversationIds: [mail.conversationId],
    }),
  );
  await writer.flush();
  ids.traceId = Number((await db().messageTrace.findFirstOrThrow()).id);
});

afterAll(async () => {
  await disconnectDb();
});

const around = () => ({ since: new Date(at.getTime() - HOUR), until: new Date(at.getTime() + HOUR) });

describe("an admin", () => {
  it("searches and reads the story, with the conversation it joined", async () => {
    const admin = await callerFor(ids.admin);
    const found = await admin.trace.search({ sender: "kenji@shop.example", ...around() });
    expect(found.items.map((i) => i.id)).toEqual([ids.traceId]);
    const story = await admin.trace.story({ id: ids.traceId });
    expect(story.trace.subject).toBe("Order 42");
    // The admin is no member of support@: the conversation is named, not offered as a link.
    expect(story.conversations).toEqual([
      expect.objectContaining({ id: ids.conversationId, mailbox: "support@example.com", canOpen: false }),
    ]);
    expect(story.entries.find((e) => e.key === "storedUnassigned")?.params).toMatchObject({ id: ids.conversationId });
  });

  it("follows a stored message to its trace by its Message-ID", async () => {
    const admin = await callerFor(ids.admin);
    const found = await admin.trace.search({ message: ids.messageId });
    expect(found.items.map((i) => i.id)).toEqual([ids.traceId]);
    expect(found.messageIdHeader).toBe("order42@shop.example");
    expect((await trpcError(admin.trace.search({ message: 2_147_483_647 }))).code).toBe("NOT_FOUND");
    expect((await trpcError(admin.trace.story({ id: 987_654_321 }))).code).toBe("NOT_FOUND");
  });

  it("has its input checked, one call at a time", async () => {
    const admin = await callerFor(ids.admin);
    const wide = await trpcError(
      admin.trace.search({ since: new Date(at.getTime() - 40 * 24 * HOUR), until: new Date(at.getTime()) }),
    );
    expect(wide.code).toBe("BAD_REQUEST");
    expect(wide.message).toBe("The time range may span at most 31 days.");
    const reversed = await trpcError(admin.trace.search({ since: at, until: new Date(at.getTime() - HOUR) }));
    expect(reversed.message).toBe("The time range ends before it starts.");
    const ip = await trpcError(admin.trace.search({ clientAddress: "198.51.100.x", ...around() }));
    expect(ip.message).toBe("The client address must be an IP address.");
    const nul = await trpcError(admin.trace.search({ subject: "a\u0000b", ...around() }));
    expect(nul.code).toBe("BAD_REQUEST");
    const result = await trpcError(admin.trace.search({ result: "lost" as "rejected", ...around() }));
    expect(result.code).toBe("BAD_REQUEST");
    // Wildcards are text: "%" finds no subject without one.
    expect((await admin.trace.search({ subject: "%", ...around() })).items).toEqual([]);
    expect((await admin.trace.search({ subject: "Order 4_", ...around() })).items).toEqual([]);
    expect((await admin.trace.search({ subject: "order 4", ...around() })).items).toHaveLength(1);
  });
});

describe("an agent", () => {
  it("is answered as for a procedure that does not exist, and the attempt is audited", async () => {
    const alice = await callerFor(ids.alice);
    const search = await trpcError(alice.trace.search({ sender: "kenji@shop.example" }));
    expect(search.code).toBe("NOT_FOUND");
    expect(search.message).toBe('No procedure found on path "trace.search"');
    const story = await trpcError(alice.trace.story({ id: ids.traceId }));
    expect(story.code).toBe("NOT_FOUND");
    const refused = await db().auditEvent.findMany({ where: { action: "admin.refused", actorId: ids.alice } });
    expect(refused.map((e) => e.subjectId).sort()).toEqual(["trace.search", "trace.story"]);
  });
});
