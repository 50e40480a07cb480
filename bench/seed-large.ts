// A large, realistic dataset for bench:web: by default 1,000,000 messages in
// 200,000 conversations across 20 shared mailboxes, Japanese and English text.
//
// Users, the domain and the mailboxes are created through the domain
// functions (createUser, addDomain, createMailbox). The bulk (contacts,
// conversations, messages, folder entries) is written with SQL, because the
// store's per-message path would take hours at this size. Every message gets
// the searchVector the store would give it: the tokens of each phrase,
// subject and address are computed in JS by server/search/tokens.ts and the
// message's vector is their union (runs never cross the line breaks between
// phrases, so the union is exactly messageSearchTokens() of the message); a
// sample is re-checked against messageSearchTokens() at the end.
//
// Blobs: messages share 100 small placeholder blobs (the raw bytes are not
// read by the list, open, status or search paths; they are for IMAP/POP3).
//
// Usage: npx tsx bench/seed-large.ts [--data DIR] [--messages 1000000] [--conversations 200000]
// The data dir (embedded PostgreSQL) is kept; bench/web.ts --data DIR uses it.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { disconnectDb } from "../server/db.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { createMailbox } from "../server/mailboxes/create-mailbox.ts";
import { messageSearchTokens, TokenSet } from "../server/search/tokens.ts";
import { createUser } from "../server/users/create-user.ts";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    messages: { type: "string" },
    conversations: { type: "string" },
  },
});
const MESSAGES = Number(args.messages ?? 1_000_000);
const CONVERSATIONS = Number(args.conversations ?? 200_000);
const MAILBOXES = 20;
const AGENTS = 10;
const CUSTOMERS = Math.max(100, Math.round(CONVERSATIONS / 10));
export const BENCH_PASSWORD = "bench password 123";
export const DOMAIN = "example.com";

const JA_PHRASES = [
  "いつもお世話になっております。先日注文した商品がまだ届いておりません。",
  "請求書の宛名を会社名に変更していただけますでしょうか。",
  "ログインしようとするとエラーが表示されて先に進めません。",
  "領収書の再発行をお願いしたく、ご連絡いたしました。",
  "配送先の住所を変更したいのですが、可能でしょうか。",
  "商品の色が写真と異なっていたため、交換を希望します。",
  "見積書を今週中にお送りいただけますと助かります。",
  "パスワードを再設定するメールが届きません。",
  "解約の手続きについて教えてください。",
  "お支払い方法をクレジットカードから銀行振込に変更したいです。",
  "ご対応いただきありがとうございました。無事に解決しました。",
  "添付のスクリーンショットをご確認ください。",
  "来月から利用人数が増えるため、プランの変更を検討しています。",
  "納品日を一週間ほど早めることはできますか。",
  "サポート窓口の営業時間を教えてください。",
  "二重に請求されているようなので確認をお願いします。",
  "キャンペーンの割引コードが適用されませんでした。",
  "返品の送料はどちらの負担になりますか。",
  "アカウントの管理者を別の担当者に変更したいです。",
  "データのエクスポート機能はありますか。",
  "お忙しいところ恐れ入りますが、ご確認のほどよろしくお願いいたします。",
  "担当者が不在のため、折り返しご連絡いたします。",
  "東京都千代田区の事務所宛てに発送してください。",
  "株式会社サンプルの山田と申します。",
];
const EN_PHRASES = [
  "Hi team, my order still has not arrived and the tracking page shows no update.",
  "Could you please change the billing address on our latest invoice?",
  "I get an error message every time I try to log in from the mobile app.",
  "We would like to upgrade our plan because the team is growing next month.",
  "The package arrived damaged, so I would like a replacement or a refund.",
  "Please send us a quote for fifty additional licences before Friday.",
  "The password reset email never reaches my inbox, even in the spam folder.",
  "How do I cancel my subscription at the end of the current billing period?",
  "It looks like we were charged twice for the same month.",
  "Thanks for the quick help, everything works now.",
  "I attached a screenshot of the error for your reference.",
  "Is there a way to export all our data as a spreadsheet?",
  "Our accountant needs a receipt with the company registration number.",
  "The discount code from your newsletter was not accepted at checkout.",
  "Can the delivery date be moved one week earlier?",
  "Who pays the shipping cost when an item is returned?",
  "We need to transfer the account owner role to a colleague.",
  "What are the opening hours of your support desk?",
  "Kind regards, and thank you for your patience.",
  "Following up on my previous message, any news on this?",
  "The integration with our calendar stopped syncing yesterday afternoon.",
  "Please confirm that the warranty covers the replacement battery.",
  "Our office in Osaka will receive the shipment.",
  "I am writing on behalf of Northwind Trading.",
];
const JA_SUBJECTS = [
  "商品が届きません",
  "請求書の宛名変更について",
  "ログインできません",
  "領収書の再発行",
  "配送先住所の変更",
  "交換のお願い",
  "見積書のご依頼",
  "パスワード再設定",
  "解約について",
  "支払い方法の変更",
  "プラン変更の相談",
  "二重請求の確認",
  "割引コードが使えない",
  "返品について",
  "管理者の変更",
  "お問い合わせ",
];
const EN_SUBJECTS = [
  "Order not received",
  "Invoice address change",
  "Cannot log in",
  "Plan upgrade",
  "Damaged package",
  "Quote request",
  "Password reset email missing",
  "Cancel subscription",
  "Charged twice",
  "Data export",
  "Receipt for accounting",
  "Discount code not working",
  "Delivery date",
  "Return shipping cost",
  "Account owner transfer",
  "Calendar sync stopped",
];
const JA_FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"];
const JA_GIVEN = ["太郎", "花子", "健一", "美咲", "翔太", "由美", "大輔", "陽子", "直樹", "恵"];
const JA_ROMAJI = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi"];
const EN_FIRST = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack", "Kate", "Liam"];
const EN_LAST = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Clark", "Walker", "Wright", "Hughes"];
const CUSTOMER_DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.jp", "northwind.example", "contoso.example", "acme.jp"];
const ORDER_LINE = { ja: "注文番号:", en: "Order number:" };

function tokens(fill: (set: TokenSet) => void): string[] {
  const set = new TokenSet();
  fill(set);
  return set.toArray();
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const dataDir = args.data ?? mkdtempSync(path.join(os.tmpdir(), "yubin-bench-web-"));
console.log(`seed: ${MESSAGES} messages, ${CONVERSATIONS} conversations, ${MAILBOXES} mailboxes; data dir ${dataDir}`);
const postgres = await startEmbeddedPostgres(dataDir);
process.env.DATABASE_URL = postgres.url;
await applyMigrations(postgres.url);

// ------------------------------------------------------- domain functions
const { user: admin } = await createUser({
  email: "admin@bench.invalid",
  password: BENCH_PASSWORD,
  name: "Admin",
  role: "admin",
  actorId: null,
});
await addDomain({ name: DOMAIN, actorId: admin.id });
const agents: { id: number; name: string; email: string }[] = [];
for (let i = 1; i <= AGENTS; i++) {
  const email = `agent${i}@bench.invalid`;
  const name = i % 2 ? `${JA_FAMILY[i % JA_FAMILY.length]} ${JA_GIVEN[i % JA_GIVEN.length]}` : `Agent ${i}`;
  const { user } = await createUser({ email, password: BENCH_PASSWORD, name, actorId: admin.id });
  agents.push({ id: user.id, name, email });
}
const mailboxes: { id: number; address: string; displayName: string }[] = [];
for (let i = 1; i <= MAILBOXES; i++) {
  const address = `support${i}@${DOMAIN}`;
  const displayName = i % 2 ? `サポート${i}` : `Support ${i}`;
  const mb = await createMailbox({
    address,
    kind: "shared",
    displayName,
    memberEmails: agents.map((a) => a.email),
    actorId: admin.id,
  });
  mailboxes.push({ id: mb.id, address, displayName });
}
await disconnectDb();
console.log(
  `seed: ${AGENTS} agents, ${MAILBOXES} shared mailboxes created through the domain functions (${elapsed()})`,
);

// ------------------------------------------------------- bulk data
const client = new pg.Client({ connectionString: postgres.url });
await client.connect();
const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
await q("set maintenance_work_mem = '1GB'");
await q("set max_parallel_maintenance_workers = 2");
await q("set synchronous_commit = off");
let replica = false;
try {
  await q("set session_replication_role = replica"); // skip FK triggers for the bulk insert (superuser only)
  replica = true;
} catch {
  // not a superuser: the foreign keys are checked row by row (slower, same result)
}

await q(`create unlogged table bench_phrase (lang text, i int, body text, tokens text[], primary key (lang, i))`);
await q(`create unlogged table bench_subject (lang text, i int, subject text, tokens text[], re_tokens text[],
  primary key (lang, i))`);
await q(`create unlogged table bench_customer (i int primary key, lang text, contact_id int, email text, name text,
  tokens text[])`);
await q(`create unlogged table bench_mailbox (id int primary key, address text, name text, tokens text[])`);
await q(`create unlogged table bench_order (lang text primary key, line text, tokens text[])`);

for (const [lang, list] of [
  ["ja", JA_PHRASES],
  ["en", EN_PHRASES],
] as const) {
  await q(
    `insert into bench_phrase select $1, t.i - 1, t.body, string_to_array(t.tokens, ' ')
     from unnest($2::text[], $3::text[]) with ordinality t(body, tokens, i)`,
    [lang, list, list.map((p) => tokens((s) => s.addText(p)).join(" "))],
  );
  const subjects = lang === "ja" ? JA_SUBJECTS : EN_SUBJECTS;
  await q(
    `insert into bench_subject select $1, t.i - 1, t.subject, string_to_array(t.tokens, ' '), string_to_array(t.re, ' ')
     from unnest($2::text[], $3::text[], $4::text[]) with ordinality t(subject, tokens, re, i)`,
    [
      lang,
      subjects,
      subjects.map((s) => tokens((set) => set.addText(s)).join(" ")),
      subjects.map((s) => tokens((set) => set.addText(`Re: ${s}`)).join(" ")),
    ],
  );
  const line = ORDER_LINE[lang];
  await q(`insert into bench_order values ($1, $2, $3)`, [lang, line, tokens((s) => s.addText(line))]);
}
await q(`insert into bench_mailbox select * from unnest($1::int[], $2::text[], $3::text[]) t(id, address, name)`, [
  mailboxes.map((m) => m.id),
  mailboxes.map((m) => m.address),
  mailboxes.map((m) => m.displayName),
]);
for (const m of mailboxes) {
  await q(`update bench_mailbox set tokens = $2 where id = $1`, [
    m.id,
    tokens((s) => s.addAddress(m.address, m.displayName)),
  ]);
}

// Customers: 60 % Japanese, 40 % English.
const customers: { lang: "ja" | "en"; email: string; name: string }[] = [];
for (let i = 0; i < CUSTOMERS; i++) {
  const ja = i % 5 < 3;
  const domain = CUSTOMER_DOMAINS[(i * 7) % CUSTOMER_DOMAINS.length] as string;
  if (ja) {
    const family = JA_FAMILY[i % JA_FAMILY.length] as string;
    const given = JA_GIVEN[Math.floor(i / JA_FAMILY.length) % JA_GIVEN.length] as string;
    customers.push({
      lang: "ja",
      name: `${family} ${given}`,
      email: `${JA_ROMAJI[i % JA_ROMAJI.length]}.${i}@${domain}`,
    });
  } else {
    const first = EN_FIRST[i % EN_FIRST.length] as string;
    const last = EN_LAST[Math.floor(i / EN_FIRST.length) % EN_LAST.length] as string;
    customers.push({
      lang: "en",
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@${domain}`,
    });
  }
}
await q(
  `with c as (insert into "Contact" (email, name) select * from unnest($1::text[], $2::text[]) returning id, email)
   insert into bench_customer (i, lang, contact_id, email, name, tokens)
   select t.i - 1, t.lang, c.id, t.email, t.name, string_to_array(t.tokens, ' ')
   from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality t(email, name, lang, tokens, i)
   join c on c.email = t.email`,
  [
    customers.map((c) => c.email),
    customers.map((c) => c.name),
    customers.map((c) => c.lang),
    customers.map((c) => tokens((s) => s.addAddress(c.email, c.name)).join(" ")),
  ],
);
console.log(`seed: ${CUSTOMERS} contacts (${elapsed()})`);

// Conversations, oldest first, over two years; the newest few percent hold the open work.
const counts: number[] = [];
for (let k = 0; k < CONVERSATIONS; k++) counts.push(1 + ((k * 7919) % 9));
let diff = MESSAGES - counts.reduce((a, b) => a + b, 0);
for (let k = CONVERSATIONS - 1; diff !== 0 && k >= 0; k--) {
  const step = diff > 0 ? Math.min(diff, 20 - (counts[k] as number)) : Math.max(diff, 1 - (counts[k] as number));
  counts[k] = (counts[k] as number) + step;
  diff -= step;
}
const now = Date.now();
const SPAN = 730 * 86_400_000;
const conv = {
  mailbox: [] as number[],
  subjectLang: [] as string[],
  subject: [] as number[],
  customer: [] as number[],
  status: [] as string[],
  assignee: [] as (number | null)[],
  snoozed: [] as (string | null)[],
  count: [] as number[],
  created: [] as string[],
  last: [] as string[],
};
for (let k = 0; k < CONVERSATIONS; k++) {
  const h = (k * 2654435761) % 1000;
  const customer = (k * 7919 + 13) % CUSTOMERS;
  const lang = (customers[customer] as { lang: string }).lang;
  const recent = k >= CONVERSATIONS * 0.97;
  let status: string;
  if (recent) status = h < 600 ? "open" : h < 850 ? "pending" : h < 980 ? "closed" : "spam";
  else status = h < 15 ? "open" : h < 30 ? "pending" : h < 980 ? "closed" : "spam";
  const assigned = status === "spam" ? false : status === "open" ? h % 10 < 6 : h % 10 < 8;
  const n = counts[k] as number;
  const created = now - SPAN + Math.floor((k / CONVERSATIONS) * SPAN) - 3 * 3_600_000;
  const gap = Math.min(3_600_000 * 2, Math.floor((now - created) / (n + 1)));
  conv.mailbox.push((mailboxes[k % MAILBOXES] as { id: number }).id);
  conv.subjectLang.push(lang);
  conv.subject.push((k * 31) % 16);
  conv.customer.push(customer);
  conv.status.push(status);
  conv.assignee.push(assigned ? (agents[(k * 3) % AGENTS] as { id: number }).id : null);
  conv.snoozed.push(
    status === "pending" && h % 50 === 0 ? new Date(now + 86_400_000 * (1 + (h % 5))).toISOString() : null,
  );
  conv.count.push(n);
  conv.created.push(new Date(created).toISOString());
  conv.last.push(new Date(created + (n - 1) * gap).toISOString());
}
await q(
  `insert into "Conversation" ("mailboxId", subject, "normalizedSubject", "contactId", status, "assigneeId",
     "snoozedUntil", "messageCount", "lastMessageAt", "createdAt", "updatedAt")
   select t.mailbox, s.subject, lower(s.subject), cu.contact_id, t.status::"ConversationStatus", t.assignee,
     t.snoozed, t.count, t.last, t.created, t.last
   from unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::text[], $6::int[], $7::timestamptz[], $8::int[],
     $9::timestamptz[], $10::timestamptz[]) with ordinality
     t(mailbox, lang, subject, customer, status, assignee, snoozed, count, created, last, k)
   join bench_subject s on s.lang = t.lang and s.i = t.subject
   join bench_customer cu on cu.i = t.customer
   order by t.k`,
  [
    conv.mailbox,
    conv.subjectLang,
    conv.subject,
    conv.customer,
    conv.status,
    conv.assignee,
    conv.snoozed,
    conv.count,
    conv.created,
    conv.last,
  ],
);
console.log(`seed: ${CONVERSATIONS} conversations (${elapsed()})`);

await q(`insert into "Blob" (sha256, size, bytes)
  select encode(sha256(convert_to('bench-blob-' || i, 'UTF8')), 'hex'), 64,
    convert_to('Subject: bench placeholder ' || i || E'\r\n\r\nplaceholder body\r\n', 'UTF8')
  from generate_series(0, 99) i`);

// Secondary indexes are dropped for the bulk insert and rebuilt from their own definitions.
const { rows: indexes } = await q(
  `select i.indexname, i.indexdef from pg_indexes i
   where i.schemaname = 'public' and i.tablename in ('Message', 'FolderMessage')
     and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
);
for (const ix of indexes) await q(`drop index "${ix.indexname}"`);

// Message j of a conversation: odd = the customer (inbound), even = the mailbox's reply (outbound).
for (const mb of mailboxes) {
  await q(
    `insert into "Message" ("mailboxId", "blobSha256", direction, "messageIdHeader", "inReplyTo", "references", subject,
       "fromAddress", "fromName", "toAddresses", "ccAddresses", date, size, snippet, "textBody", "hasAttachments",
       "conversationId", "threadReason", "internalDate", "searchVector")
     select c."mailboxId", encode(sha256(convert_to('bench-blob-' || ((c.id + j) % 100), 'UTF8')), 'hex'),
       case when inbound then 'inbound' else 'outbound' end::"MessageDirection",
       'bench-' || c.id || '-' || j || '@bench.invalid',
       case when j > 1 then 'bench-' || c.id || '-' || (j - 1) || '@bench.invalid' end, '{}',
       case when j = 1 then s.subject else 'Re: ' || s.subject end,
       case when inbound then cu.email else mb.address end, case when inbound then cu.name else mb.name end,
       jsonb_build_array(case when inbound then jsonb_build_object('address', mb.address, 'name', mb.name)
         else jsonb_build_object('address', cu.email, 'name', cu.name) end), '[]',
       at, octet_length(body.text) + 600, left(regexp_replace(body.text, '\\s+', ' ', 'g'), 200), body.text, false,
       c.id, case when j > 1 then 'references'::"ThreadReason" else 'new'::"ThreadReason" end, at,
       array_to_tsvector(array(select distinct unnest(
         case when j = 1 then s.tokens else s.re_tokens end
         || cu.tokens || mb.tokens || p1.tokens || p2.tokens || p3.tokens
         || case when j = 1 and inbound then o.tokens || array[(1000000 + c.id)::text] else '{}' end)))
     from "Conversation" c
     join bench_mailbox mb on mb.id = c."mailboxId"
     join bench_customer cu on cu.contact_id = c."contactId"
     join bench_subject s on s.lang = cu.lang and s.subject = c.subject
     join bench_order o on o.lang = cu.lang
     cross join lateral generate_series(1, c."messageCount") j
     cross join lateral (select j % 2 = 1 as inbound,
       c."createdAt" + (j - 1) * ((c."lastMessageAt" - c."createdAt") / greatest(c."messageCount" - 1, 1)) as at) x
     join bench_phrase p1 on p1.lang = cu.lang and p1.i = (c.id * 7 + j * 13) % 24
     join bench_phrase p2 on p2.lang = cu.lang and p2.i = (c.id * 11 + j * 5 + 3) % 24
     join bench_phrase p3 on p3.lang = cu.lang and p3.i = (c.id * 3 + j * 17 + 7) % 24
     cross join lateral (select p1.body || E'\\n\\n' || p2.body || E'\\n\\n' || p3.body
       || case when j = 1 and inbound then E'\\n\\n' || o.line || ' ' || (1000000 + c.id) else '' end
       || E'\\n' as text) body
     where c."mailboxId" = $1
     order by c.id, j`,
    [mb.id],
  );
  console.log(`seed: messages of mailbox ${mb.address} (${elapsed()})`);
}

await q(`insert into "FolderMessage" ("folderId", "messageId", uid, modseq, flags)
  select f.id, m.id, row_number() over w, row_number() over w,
    case when m.direction = 'outbound' or c.status <> 'open' then '{\\Seen}'::text[] else '{}'::text[] end
  from "Message" m join "Conversation" c on c.id = m."conversationId"
  join "Folder" f on f."mailboxId" = m."mailboxId" and f.name = case m.direction when 'inbound' then 'INBOX' else 'Sent' end
  window w as (partition by f.id order by m.id)`);
await q(`update "Folder" f set "uidNext" = x.n + 1, "highestModseq" = x.n + 1
  from (select "folderId", max(uid) n from "FolderMessage" group by "folderId") x where f.id = x."folderId"`);
await q(`update "Mailbox" mb set "usedBytes" = x.bytes, "usedMessages" = x.n
  from (select "mailboxId", sum(size) bytes, count(*) n from "Message" group by "mailboxId") x where mb.id = x."mailboxId"`);
// The lower bound of each conversation's item dates that date search uses (migration
// 20261204195252_conversation_first_item): its triggers are off in replica mode.
await q(`update "Conversation" c set "firstItemAt" = x.at
  from (select "conversationId" id, min("internalDate") at from "Message" group by 1) x where c.id = x.id`);
// How long each conversation's customer has waited: the store writes it with each message, and the
// seed bypasses the store, so the set-based recompute (yubin_refresh_waiting, migration
// 20261204212249_waiting_since_per_statement) runs once here, before the indexes are rebuilt.
// Statistics first: the tables were just filled in bulk and never analysed, and without them the
// planner takes the recompute's 200,000 conversations for a handful and joins them to the messages
// by nested loop (it ran for over ten minutes at 1,000,000 messages).
await q(`analyze "Message", "Conversation"`);
await q(`select yubin_refresh_waiting(array(select id from "Conversation"))`);
console.log(`seed: folder entries, counters, first item dates and waits (${elapsed()})`);
for (const ix of indexes) {
  const t = Date.now();
  await q(ix.indexdef);
  console.log(`seed: index ${ix.indexname} rebuilt in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
if (replica) await q("set session_replication_role = origin");
for (const t of ["bench_phrase", "bench_subject", "bench_customer", "bench_mailbox", "bench_order"])
  await q(`drop table ${t}`);
await q("vacuum analyze");

// Check: the stored vector of a sample equals what the store would write.
const { rows: sample } = await q(
  `select subject, "fromAddress", "fromName", "toAddresses", "textBody", "searchVector"::text as v from "Message"
   where id % $1 = 1 limit 12`,
  [Math.max(2, Math.floor(MESSAGES / 12))],
);
let same = 0;
for (const r of sample) {
  const expected = messageSearchTokens({
    subject: r.subject,
    fromAddress: r.fromAddress,
    fromName: r.fromName,
    to: r.toAddresses,
    cc: [],
    textBody: r.textBody,
    attachments: [],
  }).toArray();
  const { rows } = await q(`select array_to_tsvector($1::text[])::text = $2 as ok`, [expected, r.v]);
  if (rows[0].ok) same++;
  else console.log(`seed: vector mismatch for "${r.subject}"`);
}
// The set-based waits above must equal the rule for one conversation (yubin_waiting_since).
const { rows: waits } = await q(`select count(*)::int n, count(*) filter (where
  "waitingSince" is distinct from yubin_waiting_since(id))::int off from "Conversation" where id % 50 = 1`);
console.log(
  `seed: waitingSince equals yubin_waiting_since() on ${waits[0].n - waits[0].off}/${waits[0].n} sampled conversations`,
);
const { rows: totals } =
  await q(`select (select count(*) from "Message")::int m, (select count(*) from "Conversation")::int c,
  pg_size_pretty(pg_database_size(current_database())) size`);
console.log(`seed: searchVector equals messageSearchTokens() on ${same}/${sample.length} sampled messages`);
console.log(
  `seed: done: ${totals[0].m} messages, ${totals[0].c} conversations, database ${totals[0].size}, ${elapsed()} in all`,
);
await client.end();
await postgres.stop();
console.log(`seed: data dir kept: ${dataDir}  (npm run bench:web -- --data ${dataDir})`);
