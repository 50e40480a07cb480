// Date search without text (before:, after: with before:, with conversation conditions and
// negations) answered by the "dated" step — the conversations whose items span D, found
// through Conversation.firstItemAt and its GiST index, then the walk from D down — gives the
// same conversations in the same order as the plain walk (the reference: every conversation
// probed through its own messages and notes) and the index path, on a seeded set whose
// dates do not follow lastMessageAt: long conversations, messages dated after their
// conversation's lastMessageAt (an APPEND or import), notes older than every message, a
// message moved between conversations, and deleted messages (firstItemAt then stays a
// lower bound). Also checks that the triggers keep firstItemAt a lower bound.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { parseSearchQuery } from "../../server/search/parse-query.ts";
import { type SearchInput, searchConversations } from "../../server/search/search-conversations.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { seededRandom } from "../support/seeded-random.ts";

const DAY = 86_400_000;
/** Fixed, so that no result depends on today's date. */
const START = Date.UTC(2025, 0, 1);
const CONVERSATIONS = 600;

let agent = 0;
let support = 0;
let sales = 0;

function day(offset: number): string {
  return new Date(START + offset * DAY).toISOString().slice(0, 10);
}

beforeAll(async () => {
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  agent = (await createUser({ email: "agent@example.com", password: "0123456789", name: "Agent", actorId: null })).user
    .id;
  support = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      memberEmails: ["agent@example.com"],
      actorId: null,
    })
  ).id;
  sales = (
    await createMailbox({
      address: "sales@example.com",
      kind: "shared",
      memberEmails: ["agent@example.com"],
      actorId: null,
    })
  ).id;
  const blob = "0".repeat(64);
  await db().blob.create({ data: { sha256: blob, size: 1, bytes: Buffer.from("x") } });

  const random = seededRandom(15);
  const conv = { mailboxId: [] as number[], last: [] as Date[], status: [] as string[] };
  const msg = { conversationId: [] as number[], at: [] as Date[] };
  const notes = { conversationId: [] as number[], at: [] as Date[] };
  // 400 days; conversations last 0–3 days, one in ten up to 200 days (spanning many dates).
  for (let i = 0; i < CONVERSATIONS; i++) {
    const last = START + Math.floor(random() * 400 * DAY);
    conv.mailboxId.push(random() < 0.7 ? support : sales);
    conv.last.push(new Date(last));
    conv.status.push(random() < 0.3 ? "open" : random() < 0.8 ? "closed" : "pending");
  }
  const rows = await db().$queryRaw<{ id: number }[]>`
    insert into "Conversation" ("mailboxId", subject, "normalizedSubject", "lastMessageAt", status, "updatedAt", "messageCount")
    select m, 'seed', 'seed', l, s::"ConversationStatus", now(), 1
    from unnest(${conv.mailboxId}::int[], ${conv.last}::timestamptz[], ${conv.status}::text[]) as u(m, l, s)
    returning id`;
  const ids = rows.map((r) => r.id).sort((a, b) => a - b);
  ids.forEach((id, i) => {
    const last = (conv.last[i] as Date).getTime();
    const span = (random() < 0.1 ? 200 : 3) * DAY * random();
    const n = 1 + Math.floor(random() * 4);
    for (let j = 0; j < n; j++) {
      msg.conversationId.push(id);
      // One message in twenty is dated after lastMessageAt (nothing ties internalDate to it).
      msg.at.push(new Date(random() < 0.05 ? last + random() * 30 * DAY : last - random() * span));
    }
    if (random() < 0.05) {
      notes.conversationId.push(id);
      notes.at.push(new Date(last - random() * 300 * DAY));
    }
  });
  await db().$executeRaw`
    insert into "Message" ("mailboxId", "blobSha256", direction, subject, "fromAddress", "fromName", size,
      snippet, "textBody", "conversationId", "internalDate", "searchVector")
    select c."mailboxId", ${blob}, 'inbound', 'seed', 'customer@example.jp', '', 100, 'お願い', 'お願いします',
      u.c, u.at, array_to_tsvector(array['お願', '願い'])
    from unnest(${msg.conversationId}::int[], ${msg.at}::timestamptz[]) as u(c, at)
    join "Conversation" c on c.id = u.c`;
  await db().$executeRaw`
    insert into "Note" ("conversationId", body, "createdAt")
    select c, 'an old note', at from unnest(${notes.conversationId}::int[], ${notes.at}::timestamptz[]) as u(c, at)`;
  // Moves and deletions after the fact: the triggers keep the bound on the mover's new home;
  // a deleted message may leave the bound lower than any item left.
  await db().$executeRaw`
    update "Message" set "conversationId" = ${ids[1]}::int, "internalDate" = ${new Date(START + 5 * DAY)}
    where id = (select min(id) from "Message" where "conversationId" = ${ids[500]}::int)`;
  await db().$executeRaw`
    delete from "Message" m using (
      select "conversationId" as c, min("internalDate") as at from "Message"
      where "conversationId" = any(${ids.slice(100, 140)}::int[]) group by 1) x
    where m."conversationId" = x.c and m."internalDate" = x.at`;
  await db().$executeRawUnsafe(`analyze "Conversation"`);
  await db().$executeRawUnsafe(`analyze "Message"`);
}, 60_000);

describe("firstItemAt", () => {
  it("is at or below every message's and note's date of its conversation (the triggers and the deletions)", async () => {
    const [row] = await db().$queryRaw<{ above: number; without: number }[]>`
      select count(*) filter (where c."firstItemAt" is null or c."firstItemAt" > x.at)::int as above,
        count(*) filter (where c."firstItemAt" is null)::int as without
      from "Conversation" c join (
        select "conversationId" as id, min("internalDate") as at from "Message" group by 1
        union all select "conversationId", min("createdAt") from "Note" group by 1) x on x.id = c.id`;
    expect(row).toEqual({ above: 0, without: 0 });
    // And exact where nothing was deleted: the earliest item.
    const [exact] = await db().$queryRaw<{ n: number }[]>`
      select count(*)::int as n from "Conversation" c
      where c."firstItemAt" is distinct from least(
        (select min("internalDate") from "Message" m where m."conversationId" = c.id),
        (select min("createdAt") from "Note" n where n."conversationId" = c.id))`;
    // Lower than every item left where the earliest message was deleted (40 conversations; not where a
    // note is earlier still).
    expect(exact?.n).toBeGreaterThan(20);
    expect(exact?.n).toBeLessThanOrEqual(40);
  });
});

describe("date search: the dated step answers as the walk does", () => {
  async function compare(q: string, options: Partial<SearchInput> & { walkBudget?: number } = {}) {
    const input = { userId: agent, query: parseSearchQuery(q), ...options };
    let by = "";
    const auto = await searchConversations({
      ...input,
      onStrategy: (s) => {
        by = s;
      },
    });
    const walk = await searchConversations({ ...input, strategy: "walk" });
    const index = await searchConversations({ ...input, strategy: "index" });
    expect(
      auto.map((h) => h.id),
      `${q}: auto (${by}) vs walk`,
    ).toEqual(walk.map((h) => h.id));
    expect(
      index.map((h) => h.id),
      `${q}: index vs walk`,
    ).toEqual(walk.map((h) => h.id));
    return { by, ids: walk.map((h) => h.id) };
  }

  const queries = [
    ...[3, 120, 300, 430].map((d) => `before:${day(d)}`),
    `after:${day(100)} before:${day(101)}`,
    `after:${day(50)} before:${day(250)}`,
    `after:${day(350)} before:${day(360)}`,
    `before:${day(200)} status:open`,
    `before:${day(200)} status:pending`,
    `before:${day(150)} mailbox:sales`,
    `before:${day(150)} -status:closed`,
    `before:${day(300)} -お願い`, // every message has お願い: none match
    `before:${day(250)} assignee:none`,
  ];

  it.each(queries)("%s: same conversations in the same order, over every page", async (q) => {
    const first = await compare(q);
    expect(first.by).toBe("dated");
    // Every page by keyset, and with a walk budget of 3 so the fallback below D is taken too.
    for (const walkBudget of [1000, 3]) {
      let before: SearchInput["before"];
      const seen: number[] = [];
      for (let page = 0; page < 6; page++) {
        const hits = await searchConversations({
          userId: agent,
          query: parseSearchQuery(q),
          before,
          limit: 40,
          walkBudget,
        });
        const walk = await searchConversations({
          userId: agent,
          query: parseSearchQuery(q),
          before,
          limit: 40,
          strategy: "walk",
        });
        expect(hits.map((h) => h.id)).toEqual(walk.map((h) => h.id));
        seen.push(...hits.map((h) => h.id));
        const last = hits.at(-1);
        if (hits.length < 40 || !last) break;
        before = { lastMessageAt: last.lastMessageAt, id: last.id };
      }
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it("finds a conversation whose only old item is a note, and one whose message was moved in", async () => {
    const [noted] = await db().$queryRaw<{ id: number; at: Date }[]>`
      select n."conversationId" as id, n."createdAt" as at from "Note" n
      where n."createdAt" < (select min("internalDate") from "Message" m where m."conversationId" = n."conversationId")
      order by n."createdAt" limit 1`;
    if (!noted) throw new Error("the seed has no such note");
    const q = `before:${new Date(noted.at.getTime() + DAY).toISOString().slice(0, 10)}`;
    const all: number[] = [];
    let before: SearchInput["before"];
    for (;;) {
      const hits = await searchConversations({ userId: agent, query: parseSearchQuery(q), before, limit: 200 });
      all.push(...hits.map((h) => h.id));
      const last = hits.at(-1);
      if (hits.length < 200 || !last) break;
      before = { lastMessageAt: last.lastMessageAt, id: last.id };
    }
    expect(all).toContain(noted.id);
    const moved = (await compare(`after:${day(5)} before:${day(6)}`)).ids;
    const [target] = await db().$queryRaw<{ id: number }[]>`
      select "conversationId" as id from "Message" where "internalDate" = ${new Date(START + 5 * DAY)}`;
    expect(moved).toContain(target?.id);
  });
});
