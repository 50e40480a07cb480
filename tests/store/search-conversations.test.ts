// Search against a real PostgreSQL: CJK substrings through the bigram index
// (verified, so only true substrings match), ISO-2022-JP mail stored by the
// one write path, NFKC variants, notes, every filter, membership, paging, and
// the GIN index in the plan on 20,000 messages.
import { readFile } from "node:fs/promises";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { db, Prisma } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { InputError } from "../../server/errors.ts";
import { storeMessage } from "../../server/mail-store/store-message.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { startOfDay } from "../../server/search/day-start.ts";
import { indexPendingNotes } from "../../server/search/index-pending-notes.ts";
import { parseSearchQuery } from "../../server/search/parse-query.ts";
import {
  buildSearchSql,
  SEARCH_PAGE_SIZE,
  type SearchInput,
  searchConversations,
} from "../../server/search/search-conversations.ts";
import { searchTokens, setNoteSearchVector } from "../../server/search/tokens.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";

let agent = 0;
let colleague = 0;
let outsider = 0;
let support = 0;
let sales = 0;
let other = 0;
const conv: Record<string, number> = {};

const BODY = "いつもお世話になっております。請求書の再発行をお願いします。";

function mail(opts: {
  from?: string;
  to?: string;
  subject: string;
  body: string;
  charset?: string;
  raw?: Buffer;
  attachment?: string;
}): Buffer {
  const id = `${Math.random().toString(36).slice(2)}@customer.jp`;
  const head = [
    `From: ${opts.from ?? "Tanaka Taro <tanaka@customer.jp>"}`,
    `To: ${opts.to ?? "support@example.com"}`,
    `Subject: =?UTF-8?B?${Buffer.from(opts.subject).toString("base64")}?=`,
    `Message-ID: <${id}>`,
    "Date: Sat, 28 Nov 2026 09:00:00 +0900",
    "MIME-Version: 1.0",
  ];
  if (opts.attachment) {
    return Buffer.from(
      [
        ...head,
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        opts.body,
        "--b1",
        `Content-Type: application/pdf; name="=?UTF-8?B?${Buffer.from(opts.attachment).toString("base64")}?="`,
        `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(opts.attachment)}`,
        "Content-Transfer-Encoding: base64",
        "",
        Buffer.from("%PDF-1.4 test").toString("base64"),
        "--b1--",
        "",
      ].join("\r\n"),
    );
  }
  const body = opts.raw ?? Buffer.from(opts.body);
  return Buffer.concat([
    Buffer.from([...head, `Content-Type: text/plain; charset=${opts.charset ?? "utf-8"}`, "", ""].join("\r\n")),
    body,
    Buffer.from("\r\n"),
  ]);
}

/** ISO-2022-JP as mailers write it: JIS X 0208 after ESC $ B, ASCII after ESC ( B. */
function iso2022jp(text: string): Buffer {
  const parts: Buffer[] = [];
  let jis = false;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) {
      if (jis) parts.push(Buffer.from("\x1b(B", "latin1"));
      jis = false;
      parts.push(Buffer.from(ch, "latin1"));
    } else {
      if (!jis) parts.push(Buffer.from("\x1b$B", "latin1"));
      jis = true;
      const euc = iconv.encode(ch, "euc-jp");
      parts.push(Buffer.from([(euc[0] as number) - 0x80, (euc[1] as number) - 0x80]));
    }
  }
  if (jis) parts.push(Buffer.from("\x1b(B", "latin1"));
  return Buffer.concat(parts);
}

// Received times come from this clock, never the wall clock: the date filters
// below must mean the same thing whatever day the suite runs.
let clock = Date.parse("2026-11-28T00:00:00Z");

function nextReceivedAt(): Date {
  clock += 60_000;
  return new Date(clock);
}

async function store(name: string, raw: Buffer, mailboxId = support, internalDate = nextReceivedAt()) {
  const [outcome] = await storeMessage({ raw, mailboxIds: [mailboxId], direction: "inbound", internalDate });
  if (outcome?.outcome !== "stored") throw new Error(`not stored: ${JSON.stringify(outcome)}`);
  conv[name] = outcome.conversationId;
  return outcome;
}

/**
 * Runs a query through every strategy — the walk, the index, and "auto" with
 * a budget of 2 conversations (so it falls back to the index whenever the
 * answer is not within the 2 newest candidates) — checks that they give the
 * same conversations in the same order, and returns their names, sorted.
 */
async function search(q: string, options: Partial<SearchInput> & { userId?: number } = {}): Promise<string[]> {
  const input = { userId: agent, query: parseSearchQuery(q), ...options };
  const walk = await searchConversations({ ...input, strategy: "walk" });
  const index = await searchConversations({ ...input, strategy: "index" });
  const auto = await searchConversations({ ...input, strategy: "auto", walkBudget: 2 });
  expect(index, `${q}: index vs walk`).toEqual(walk);
  expect(auto, `${q}: auto vs walk`).toEqual(walk);
  const names = new Map(Object.entries(conv).map(([k, v]) => [v, k]));
  return walk.map((h) => names.get(h.id) ?? `#${h.id}`).sort();
}

beforeAll(async () => {
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  agent = (await createUser({ email: "agent@example.com", password: "0123456789", name: "Agent", actorId: null })).user
    .id;
  colleague = (await createUser({ email: "colleague@example.com", password: "0123456789", actorId: null })).user.id;
  outsider = (await createUser({ email: "outsider@example.com", password: "0123456789", actorId: null })).user.id;
  const members = ["agent@example.com", "colleague@example.com"];
  support = (
    await createMailbox({ address: "support@example.com", kind: "shared", memberEmails: members, actorId: null })
  ).id;
  sales = (await createMailbox({ address: "sales@example.com", kind: "shared", memberEmails: members, actorId: null }))
    .id;
  other = (
    await createMailbox({
      address: "other@example.com",
      kind: "shared",
      memberEmails: ["outsider@example.com"],
      actorId: null,
    })
  ).id;

  await store("invoice", mail({ subject: "請求書について", body: BODY, attachment: "請求書_2026年11月.pdf" }));
  await store("apart", mail({ subject: "ご連絡", body: "請求の件と、要求書の件でご連絡しました。" }));
  await store(
    "iso",
    mail({
      subject: "納品のご案内",
      body: "",
      charset: "ISO-2022-JP",
      raw: iso2022jp("株式会社サンプルです。納品書を送付いたします。"),
    }),
  );
  await store("cp50221", await readFile(new URL("../fixtures/mail/iso2022jp-cp50221.eml", import.meta.url)));
  await store("halfwidth", mail({ subject: "ｶﾀｶﾅの件", body: "ﾃﾞｰﾀﾍﾞｰｽの移行について相談です。" }));
  await store(
    "fullwidth",
    mail({ subject: "カタログ送付", body: "カタカナで書かれたＡＢＣ商事のＩＮＶＯＩＣＥです。" }),
  );
  await store(
    "english",
    mail({
      from: "Bob Smith <bob@shop.example>",
      to: "Sales Team <sales@example.com>",
      subject: "Invoice for order 123",
      body: "Hello team, the invoice for order 123 is attached. Yubin請求書システム works great. Ärger über Straße.",
    }),
    sales,
    new Date("2026-10-15T12:00:00Z"),
  );
  await store(
    "refund",
    mail({ from: "Carol <carol@shop.example>", subject: "Refund request", body: "Please refund my late payment fee." }),
    support,
    new Date("2026-11-20T12:00:00Z"),
  );
  await store("hidden", mail({ subject: "請求書の再発行", body: BODY }), other);
  await store("korean", mail({ subject: "문의", body: "안녕하세요. 주문 확인 부탁드립니다." }));
});

describe("CJK substrings", () => {
  it("finds a phrase from the middle of a body written without spaces by any substring of 2+ characters", async () => {
    for (const q of ["再発行", "請求", "発行を", "お願い", "世話になって", "書の再", "ております。請求"]) {
      expect(await search(q), q).toContain("invoice");
    }
  });

  it("does not find substrings that are not in the text, even when their bigrams all are", async () => {
    expect(await search("請求書を")).toEqual([]);
    expect(await search("再発送")).toEqual([]);
    // "apart" has 請求 and 求書 (in 要求書) but not 請求書.
    expect(await search("請求書")).toEqual(["cp50221", "english", "invoice"]);
    expect(await search("求書")).toEqual(["apart", "cp50221", "english", "invoice"]);
  });

  it("finds ISO-2022-JP mail delivered through storeMessage", async () => {
    expect(await search("納品書")).toEqual(["cp50221", "iso"]);
    expect(await search("サンプル")).toEqual(["iso"]);
    expect(await search("送付いたし")).toEqual(["iso"]);
    // The CP50221 fixture: NEC/IBM characters, and its sender's name from an encoded-word.
    expect(await search("髙橋")).toContain("cp50221");
    expect(await search("ご請求書")).toContain("cp50221");
  });

  it("matches full-width and half-width variants after NFKC", async () => {
    // The CP50221 fixture's body has ﾊﾝｶｸｶﾀｶﾅ in JIS X 0201 katakana (ESC ( I).
    expect(await search("カタカナ")).toEqual(["cp50221", "fullwidth", "halfwidth"]);
    expect(await search("ｶﾀｶﾅ")).toEqual(["cp50221", "fullwidth", "halfwidth"]);
    expect(await search("ハンカク")).toEqual(["cp50221"]);
    expect(await search("データベース")).toEqual(["halfwidth"]);
    expect(await search("abc商事")).toEqual(["fullwidth"]);
    expect(await search("ＡＢＣ")).toEqual(["fullwidth"]);
    expect(await search("invoice")).toEqual(["english", "fullwidth"]);
  });

  it("handles mixed English and Japanese queries and Hangul", async () => {
    expect(await search("yubin請求書")).toEqual(["english"]);
    expect(await search("invoice 請求書")).toEqual(["english"]);
    expect(await search('"Yubin請求書システム"')).toEqual(["english"]);
    expect(await search("システム works")).toEqual(["english"]);
    expect(await search("확인")).toEqual(["korean"]);
    expect(await search("ärger straße")).toEqual(["english"]);
  });
});

describe("fields, phrases and negation", () => {
  it("searches subjects, addresses, names and attachment names", async () => {
    expect(await search("subject:請求書")).toEqual(["cp50221", "invoice"]);
    expect(await search("subject:再発行")).toEqual([]);
    expect(await search("from:bob@shop.example")).toEqual(["english"]);
    expect(await search("from:shop.example")).toEqual(["english", "refund"]);
    expect(await search("from:smith")).toEqual(["english"]);
    expect(await search("bob")).toEqual(["english"]);
    expect(await search("to:sales")).toEqual(["english"]);
    expect(await search("2026年11月.pdf")).toEqual(["invoice"]);
    expect(await search("invoic")).toEqual(["english", "fullwidth"]);
    // The short last prefix ("ex") is not looked up, the substring check still applies it.
    expect(await search("carol@shop.ex")).toEqual(["refund"]);
    expect(await search("carol@shop.ez")).toEqual([]);
    expect(await search('"late pa"')).toEqual(["refund"]);
    expect(await search('"late px"')).toEqual([]);
  });

  it("matches quoted phrases as written", async () => {
    expect(await search('"late payment"')).toEqual(["refund"]);
    expect(await search('"payment late"')).toEqual([]);
    expect(await search('"order 123"')).toEqual(["english"]);
  });

  it("excludes conversations that match a negated term anywhere", async () => {
    expect(await search("請求 -再発行")).toEqual(["apart", "cp50221", "english"]);
    expect(await search("shop.example -refund")).toEqual(["english"]);
    expect(await search("shop.example -from:carol")).toEqual(["english"]);
    // Found field by field (body, subject, then names, addresses and attachment names): a term only in
    // an attachment's name excludes too.
    expect(await search("請求書 -2026年11月.pdf")).toEqual(["cp50221", "english"]);
    expect(await search("-bob@shop.example")).not.toContain("english");
  });
});

describe("filters", () => {
  it("status, assignee, tag, mailbox", async () => {
    await db().conversation.update({ where: { id: conv.refund }, data: { status: "closed", assigneeId: agent } });
    await db().conversation.update({ where: { id: conv.english }, data: { assigneeId: colleague } });
    const { mailboxId } = await db().conversation.findUniqueOrThrow({ where: { id: conv.english as number } });
    const tag = await db().tag.create({ data: { name: "VIP", mailboxId } });
    await db().conversationTag.create({ data: { conversationId: conv.english as number, tagId: tag.id } });

    expect(await search("shop.example status:closed")).toEqual(["refund"]);
    expect(await search("shop.example -status:closed")).toEqual(["english"]);
    expect(await search("status:closed")).toEqual(["refund"]);
    expect(await search("assignee:me")).toEqual(["refund"]);
    expect(await search("shop.example assignee:colleague@example.com")).toEqual(["english"]);
    expect(await search("shop.example assignee:nobody@example.com")).toEqual([]);
    expect(await search("請求 assignee:none")).toEqual(["apart", "cp50221", "invoice"]);
    expect(await search("tag:vip")).toEqual(["english"]);
    expect(await search("shop.example -tag:VIP")).toEqual(["refund"]);
    expect(await search("請求 mailbox:sales")).toEqual(["english"]);
    expect(await search("請求 -mailbox:sales@example.com")).toEqual(["apart", "cp50221", "invoice"]);
    await expect(search("mailbox:other@example.com")).rejects.toThrow(InputError);
  });

  it("has:attachment and dates (in the user's time zone)", async () => {
    expect(await search("請求 has:attachment")).toEqual(["invoice"]);
    // Without text, the index path reads the messages with attachments ("Message_hasAttachments_sql").
    expect(await search("has:attachment")).toEqual(["invoice"]);
    expect(await search("has:attachment after:2026-12-01")).toEqual([]);
    expect(await search("has:attachment -請求")).toEqual([]);
    expect(await search("請求 -has:attachment")).toEqual(["apart", "cp50221", "english"]);
    expect(await search("shop.example before:2026-11-01")).toEqual(["english"]);
    expect(await search("shop.example after:2026-11-01")).toEqual(["refund"]);
    expect(await search("after:2026-10-15 before:2026-10-16")).toEqual(["english"]);
    // 2026-11-20 12:00 UTC is already 21 November in Kiritimati (UTC+14).
    expect(await search("after:2026-11-21", { timeZone: "Pacific/Kiritimati" })).toContain("refund");
    expect(await search("refund after:2026-11-21")).toEqual([]);
    expect(startOfDay("2026-11-01", "Asia/Tokyo").toISOString()).toBe("2026-10-31T15:00:00.000Z");
    expect(startOfDay("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDay("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
  });
});

describe("notes", () => {
  it("finds a conversation by its note, written by setNoteSearchVector or indexed later", async () => {
    const note = await db().note.create({
      data: { conversationId: conv.korean as number, authorId: agent, body: "折り返し電話の予定あり。VIP顧客。" },
    });
    await setNoteSearchVector(db(), note.id, note.body);
    expect(await search("折り返し")).toEqual(["korean"]);
    expect(await search("電話の予定")).toEqual(["korean"]);
    // A note stored without its vector (older code) is indexed before the next search.
    await db().note.create({ data: { conversationId: conv.apart as number, authorId: agent, body: "督促状を準備中" } });
    expect(await indexPendingNotes({ force: true })).toBe(1);
    expect(await search("督促状")).toEqual(["apart"]);
    // A note cannot answer a from: term; a negated term hides a conversation whose note has it.
    expect(await search("折り返し from:tanaka")).toEqual([]);
    expect(await search("확인 -折り返し")).toEqual([]);
  });
});

describe("authority and paging", () => {
  it("searches only the mailboxes the user belongs to", async () => {
    expect(await search("再発行")).toEqual(["invoice"]);
    expect(await search("再発行", { userId: outsider })).toEqual(["hidden"]);
    expect(await search("再発行", { userId: 999_999 })).toEqual([]);
  });

  it.each([
    ["walk", undefined],
    ["index", undefined],
    ["auto", 3],
  ] as const)("pages newest first by keyset (%s, budget %s)", async (strategy, walkBudget) => {
    const all = await searchConversations({ userId: agent, query: parseSearchQuery("の"), strategy: "walk" });
    expect(all.length).toBeGreaterThan(3);
    const seen: number[] = [];
    let before: SearchInput["before"];
    for (;;) {
      const page = await searchConversations({
        userId: agent,
        query: parseSearchQuery("の"),
        before,
        limit: 2,
        strategy,
        walkBudget,
      });
      seen.push(...page.map((h) => h.id));
      const last = page.at(-1);
      if (page.length < 2 || !last) break;
      before = { lastMessageAt: last.lastMessageAt, id: last.id };
    }
    expect(seen).toEqual(all.map((h) => h.id));
    const times = all.map((h) => h.lastMessageAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("breaks ties on lastMessageAt by id, on every strategy, across pages", async () => {
    // Three conversations with the same lastMessageAt: the cursor must neither skip nor repeat one.
    const same = new Date("2026-11-27T00:00:00Z");
    const ids = [conv.invoice, conv.apart, conv.iso] as number[];
    await db().conversation.updateMany({ where: { id: { in: ids } }, data: { lastMessageAt: same } });
    for (const strategy of ["walk", "index", "auto"] as const) {
      const seen: number[] = [];
      let before: SearchInput["before"];
      for (let i = 0; i < 10; i++) {
        const page = await searchConversations({
          userId: agent,
          query: parseSearchQuery("の before:2026-12-01"),
          before,
          limit: 1,
          strategy,
          walkBudget: 1,
        });
        const last = page.at(-1);
        if (!last) break;
        seen.push(last.id);
        before = { lastMessageAt: last.lastMessageAt, id: last.id };
      }
      expect(
        seen.filter((id) => ids.includes(id)),
        strategy,
      ).toEqual([...ids].sort((a, b) => b - a));
    }
  });
});

describe("on 20,000 messages", () => {
  const JA = [
    "いつもお世話になっております。",
    "ご確認のほどよろしくお願いいたします。",
    "先日の打ち合わせの件でご連絡しました。",
    "見積書を添付いたしますのでご査収ください。",
    "納期について相談させてください。",
    "お問い合わせありがとうございます。",
    "配送状況を確認しております。",
    "ログインできない問題が発生しています。",
  ];
  const EN = [
    "Thanks for reaching out to our support team.",
    "Could you check the shipping status of my order?",
    "I cannot log in to my account since yesterday.",
    "Please find the quotation attached.",
    "The delivery date has been changed.",
    "We appreciate your patience.",
  ];

  beforeAll(async () => {
    const blob = "0".repeat(64);
    await db().blob.create({ data: { sha256: blob, size: 1, bytes: Buffer.from("x") } });
    const conversations = 4000;
    const ids = await db().$queryRaw<{ id: number }[]>`
      insert into "Conversation" ("mailboxId", subject, "normalizedSubject", "lastMessageAt", "updatedAt", "messageCount")
      select ${support}::int, 'seed ' || g, 'seed ' || g, now() - make_interval(mins => g), now(), 5
      from generate_series(1, ${conversations}::int) g returning id`;
    const rows = {
      conversationId: [] as number[],
      subject: [] as string[],
      body: [] as string[],
      tokens: [] as string[],
    };
    for (let i = 0; i < 20_000; i++) {
      const pick = (list: string[], k: number) => list[(i * k + (i >> 3)) % list.length] as string;
      const subject = i % 2 ? pick(EN, 7) : pick(JA, 5);
      let body = `${pick(JA, 3)}${pick(JA, 11)} ${pick(EN, 13)} ${pick(EN, 17)} 注文番号 ${100000 + i}`;
      if (i % 2000 === 999) body += " 請求書の再発行をお願いします。";
      rows.conversationId.push((ids[i % conversations] as { id: number }).id);
      rows.subject.push(subject);
      rows.body.push(body);
      rows.tokens.push(JSON.stringify([...new Set([...searchTokens(subject), ...searchTokens(body)])]));
    }
    await db().$executeRaw`
      insert into "Message" ("mailboxId", "blobSha256", direction, subject, "fromAddress", "fromName", size,
        snippet, "textBody", "conversationId", "internalDate", "searchVector")
      select ${support}::int, ${blob}, 'inbound', s, 'customer' || c || '@example.jp', '', 100, left(b, 100), b, c,
        now() - make_interval(secs => c), array_to_tsvector(array(select jsonb_array_elements_text(t::jsonb)))
      from unnest(${rows.conversationId}::int[], ${rows.subject}::text[], ${rows.body}::text[], ${rows.tokens}::text[])
        as u(c, s, b, t)`;
    await db().$executeRawUnsafe(`analyze "Message"`);
    await db().$executeRawUnsafe(`analyze "Conversation"`);
    await db().$executeRawUnsafe(`analyze "Note"`);
  }, 120_000);

  async function plan(q: string, strategy: "walk" | "index"): Promise<string> {
    const query = await buildSearchSql({ userId: agent, query: parseSearchQuery(q) }, strategy);
    if (!query) throw new Error("no query");
    const rows = await db().$queryRaw<{ "QUERY PLAN": string }[]>(
      Prisma.sql`explain (analyze, costs off, timing off, summary off) ${query}`,
    );
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }

  async function timed(q: string): Promise<{ ms: number; hits: number; by: string }> {
    await searchConversations({ userId: agent, query: parseSearchQuery(q) }); // warm up
    const runs: number[] = [];
    let hits = 0;
    let by = "";
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      hits = (
        await searchConversations({
          userId: agent,
          query: parseSearchQuery(q),
          onStrategy: (s) => {
            by = s;
          },
        })
      ).length;
      runs.push(performance.now() - start);
    }
    runs.sort((a, b) => a - b);
    return { ms: runs[2] as number, hits, by };
  }

  /** The strategy "auto" settles on, and its answer next to the forced walk's and index's. */
  async function auto(q: string, options: Partial<Parameters<typeof searchConversations>[0]> = {}) {
    let by = "";
    const input = { userId: agent, query: parseSearchQuery(q), ...options };
    const hits = await searchConversations({
      ...input,
      onStrategy: (s) => {
        by = s;
      },
    });
    const walk = await searchConversations({ ...input, strategy: "walk" });
    const index = await searchConversations({ ...input, strategy: "index" });
    return { by, ids: hits.map((h) => h.id), walk: walk.map((h) => h.id), index: index.map((h) => h.id) };
  }

  it("selects candidates through the GIN index (EXPLAIN) and reports the time", async () => {
    const rare = await plan("再発行", "index");
    console.log(`EXPLAIN 再発行 (index) on 20,000 messages:\n${rare}`);
    expect(rare).toContain("Message_searchVector_sql");
    const word = await plan("from:customer999@example.jp quotation", "index");
    console.log(`EXPLAIN from:customer999@example.jp quotation (index):\n${word}`);
    expect(word).toContain("Message_searchVector_sql");

    const figures: string[] = [];
    for (const q of [
      "再発行",
      "請求書 has:attachment",
      "注文番号 100999",
      "quotation -status:closed",
      "お願い",
      "support",
    ]) {
      const { ms, hits, by } = await timed(q);
      figures.push(`${q}: median ${ms.toFixed(1)} ms, ${hits} hits, ${by}`);
    }
    console.log(`search timings on 20,000 messages (5 runs each, median):\n${figures.join("\n")}`);
    // 11 seeded messages in 2 seeded conversations, and the "invoice" conversation.
    expect((await searchConversations({ userId: agent, query: parseSearchQuery("再発行") })).length).toBe(3);
  });

  it("walks conversations newest first for a common term and stops at the page (EXPLAIN)", async () => {
    const walk = await plan("お願い", "walk");
    console.log(`EXPLAIN お願い (walk) on 20,000 messages:\n${walk}`);
    // Messages are probed per conversation through their (conversationId, internalDate) index, not the GIN index.
    expect(walk).toContain("Message_conversationId_internalDate_idx");
    expect(walk).not.toContain("Message_searchVector_sql");
    // About a quarter of the seeded conversations have お願い: a few pages' worth are probed, not all 4,000.
    const probes = [...walk.matchAll(/Index Scan on "?Message_conversationId_internalDate_idx"?.*loops=(\d+)/g)];
    const scans = [...walk.matchAll(/Index Scan using "?Message_conversationId_internalDate_idx"?.*loops=(\d+)/g)];
    expect(probes.length + scans.length).toBeGreaterThan(0);
    for (const p of [...probes, ...scans]) expect(Number(p[1])).toBeLessThan(400);
  });

  it("auto: the walk for common terms, the index once the budget is spent, the same answer either way", async () => {
    const common = await auto("お願い");
    expect(common.by).toBe("walk");
    expect(common.ids).toHaveLength(SEARCH_PAGE_SIZE);
    expect(common.ids).toEqual(common.walk);
    expect(common.ids).toEqual(common.index);

    // In 11 messages of 2 of the 4,000 seeded conversations (and one stored one): the walk of 100 and the
    // window of the newest 1,000 find too few, the index capped at 500 items finds them all.
    const rare = await auto("再発行", { walkBudget: 100 });
    expect(rare.by).toBe("index");
    expect(rare.ids).toHaveLength(3);
    expect(rare.ids).toEqual(rare.walk);
    expect(rare.ids).toEqual(rare.index);

    // In about a third of the messages: too few in a walk of 10, a page in the window of the newest 100.
    const medium = await auto("quotation", { walkBudget: 10 });
    expect(medium.by).toBe("window");
    expect(medium.ids).toHaveLength(SEARCH_PAGE_SIZE);
    expect(medium.ids).toEqual(medium.walk);
    expect(medium.ids).toEqual(medium.index);

    // Matches only in old conversations, more than the cap: 注文番号 1039 is in the bodies of the seeded
    // messages 103900–103999, the 100 oldest conversations. The walk of 2, the window of 20, the index
    // capped at 10 items and the window of 200 cannot answer; the whole index does.
    const last = await auto("注文番号 1039", { walkBudget: 2 });
    expect(last.by).toBe("index");
    expect(last.ids).toHaveLength(SEARCH_PAGE_SIZE);
    expect(last.ids).toEqual(last.walk);
    expect(last.ids).toEqual(last.index);

    // has:attachment alone: one conversation among 4,000 has an attachment; the partial index finds it.
    const attached = await auto("has:attachment", { walkBudget: 100 });
    expect(attached.by).toBe("index");
    expect(attached.ids).toEqual([conv.invoice]);
    expect(attached.ids).toEqual(attached.walk);
    expect(await plan("has:attachment", "index")).toContain("Message_hasAttachments_sql");

    // A date alone: only "english" (received 2026-10-15) is older than November; it is among the oldest
    // conversations by its items' dates, not by lastMessageAt (the seed's messages are dated apart from
    // their conversations): the conversations spanning the date come from Conversation.firstItemAt's
    // index, the walk from the date down finds the rest (tests/store/search-dates.test.ts).
    const dated = await auto("before:2026-11-01", { walkBudget: 100 });
    expect(dated.by).toBe("dated");
    expect(dated.ids).toEqual([conv.english]);
    expect(dated.ids).toEqual(dated.walk);

    // Fewer candidates than the budget: the walk sees them all and answers alone, even with few hits.
    const few = await auto("再発行 status:closed");
    expect(few.by).toBe("walk");
    expect(few.ids).toEqual(few.index);

    // A negated rare term: nearly everything matches, the walk fills the page.
    const negated = await auto("quotation -再発行");
    expect(negated.by).toBe("walk");
    expect(negated.ids).toEqual(negated.index);

    // The same with a walk of 20 (too few for a page): a query that excludes something and whose term
    // is common walks as far as its hits say fills the page (here < 200) rather than taking the window
    // of 200 (`word -common` at 1M: the window follows the term's whole posting list).
    const walkedOn = await auto("quotation -再発行", { walkBudget: 20 });
    expect(walkedOn.by).toBe("walk");
    expect(walkedOn.ids).toHaveLength(SEARCH_PAGE_SIZE);
    expect(walkedOn.ids).toEqual(walkedOn.index);
    // Nothing to look up (negation only): walks of growing budgets, here 20 then 200 conversations
    // (about a quarter have お願い, so 20 hold fewer than a page), the same page as the unbudgeted walk.
    const excludedOnly = await auto("-お願い", { walkBudget: 20 });
    expect(excludedOnly.by).toBe("walk");
    expect(excludedOnly.ids).toHaveLength(SEARCH_PAGE_SIZE);
    expect(excludedOnly.ids).toEqual(excludedOnly.walk);
    // And when the budgets run out before the page is full (a budget of 1: 1, 10 and 100 conversations,
    // and almost every conversation has の), the unbudgeted walk finishes it.
    const exhausted = await auto("-の", { walkBudget: 1 });
    expect(exhausted.by).toBe("walk");
    expect(exhausted.ids.length).toBeGreaterThan(0);
    expect(exhausted.ids).toEqual(exhausted.walk);
    // Without a negation the window stays next (its cost follows the terms' AND, not each term).
    expect((await auto("quotation", { walkBudget: 20 })).by).toBe("window");

    // Page 2 of a common term by cursor, on both paths.
    const first = common.ids.at(-1) as number;
    const row = await db().conversation.findUniqueOrThrow({ where: { id: first }, select: { lastMessageAt: true } });
    const second = await auto("お願い", { before: { lastMessageAt: row.lastMessageAt, id: first } });
    expect(second.by).toBe("walk");
    expect(second.ids).toEqual(second.index);
    expect(second.ids.some((id) => common.ids.includes(id))).toBe(false);
  });

  it("keeps authority on both paths: another mailbox's matches never appear", async () => {
    // outsider belongs only to "other", whose one conversation has 再発行.
    for (const strategy of ["walk", "index", "auto"] as const) {
      const hits = await searchConversations({ userId: outsider, query: parseSearchQuery("お願い"), strategy });
      expect(
        hits.map((h) => h.id),
        strategy,
      ).toEqual([conv.hidden]);
    }
  });
});
