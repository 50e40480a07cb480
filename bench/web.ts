// Web latency at a large dataset (bench/seed-large.ts): the server-side
// latency of the inbox list, opening a conversation, a status change and
// search, a bulk action on 500 conversations and its undo,
// called as the tRPC procedures call them (the domain functions, in
// this process, no HTTP), then live delivery: the time from the SMTP 250 to
// the event on an open /api/live Server-Sent Events stream of a signed-in
// member, against `yubin start --roles web,mail` on the same database, and
// to the row painted in a signed-in Chromium inbox; then the frame pacing of
// scrolling the virtualised list (see the live delivery section at the end).
// A measurement, not a test: it never fails on the figures.
//
// Then the same over HTTP, as the browser calls it (bench/web-http.ts): tRPC through Next.js
// with a real session — every inbox view, folder counts, opening a conversation and a
// 100-message one, every search variant, a bulk action on 500 conversations — and pages.
//
// Usage: npm run bench:web -- [--messages 20000 | --data DIR] [--samples 40] [--live 20] [--no-live]
//          [--scroll-rows 2000] [--no-domain] [--no-http] [--conversations-only]
//   --messages N seeds N messages in N/5 conversations (bench/seed-large.ts) into
//   $TMPDIR/yubin-bench-web-N, once; later runs reuse it (delete it to seed afresh).
//   --data DIR uses a data dir written by `npx tsx bench/seed-large.ts --data DIR`.
//   --no-domain skips the in-process figures, --no-http the HTTP ones; --conversations-only
//   measures over HTTP only opening a conversation (API and page, random and 100 messages).
//   Status changes are undone after the run (untimed), so runs are repeatable.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Page } from "playwright-core";
import { authorizeConversation, authorizeConversations, mailboxScope } from "../server/access/gate.ts";
import { getConversation } from "../server/conversations/get-conversation.ts";
import { folderCounts, type InboxCursor, listInbox } from "../server/conversations/inbox-folders.ts";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { disconnectDb } from "../server/db.ts";
import { parseSearchQuery } from "../server/search/parse-query.ts";
import { searchConversations } from "../server/search/search-conversations.ts";
import { applyBulkAction } from "../server/workflow/bulk-action.ts";
import { undoBulkAction } from "../server/workflow/bulk-undo.ts";
import { changeStatus } from "../server/workflow/change-status.ts";
import { signIn as browserSignIn, launchBrowser } from "../tests/support/browser.ts";
import { signInOverHttp } from "../tests/support/http-session.ts";
import { freePort, startYubinProcess } from "../tests/support/yubin-process.ts";
import { startDnsStub } from "./dns-stub.ts";
import { machineInfo } from "./proc-stats.ts";
import { dotStuff, SmtpSession } from "./smtp-client.ts";
import { HTTP_TARGETS, type HttpFigure, httpBench } from "./web-http.ts";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    messages: { type: "string" },
    samples: { type: "string" },
    "no-domain": { type: "boolean" },
    "no-http": { type: "boolean" },
    "conversations-only": { type: "boolean" },
    live: { type: "string" },
    "no-live": { type: "boolean" },
    "scroll-rows": { type: "string" },
  },
});
const MESSAGES = Number(args.messages ?? 20_000);
const dataDir = args.data ?? path.join(os.tmpdir(), `yubin-bench-web-${MESSAGES}`);
if (!args.data && !existsSync(path.join(dataDir, "seeded"))) {
  // A seed that stopped halfway leaves no marker: it is seeded again from nothing.
  spawnSync("rm", ["-rf", dataDir]);
  const seeded = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/seed-large.ts",
      "--data",
      dataDir,
      "--messages",
      String(MESSAGES),
      "--conversations",
      String(Math.max(100, Math.round(MESSAGES / 5))),
    ],
    { stdio: "inherit" },
  );
  if (seeded.status !== 0) throw new Error(`bench/seed-large.ts failed (${seeded.status})`);
  spawnSync("touch", [path.join(dataDir, "seeded")]);
}
const SAMPLES = Number(args.samples ?? 40);
const LIVE = Number(args.live ?? 20);
/** Rows to load by scrolling the virtualised list in Chromium (0: skip), and the step per frame. */
const SCROLL_ROWS = Number(args["scroll-rows"] ?? 2000);
const SCROLL_STEP = 120;
const PASSWORD = "bench password 123";

const postgres = await startEmbeddedPostgres(dataDir);
process.env.DATABASE_URL = postgres.url;
const client = new pg.Client({ connectionString: postgres.url });
await client.connect();
const one = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];

const [size] = await one<{ m: number; c: number; mb: number; db: string }>(
  `select (select count(*) from "Message")::int m, (select count(*) from "Conversation")::int c,
     (select count(*) from "Mailbox" where kind = 'shared')::int mb, pg_size_pretty(pg_database_size(current_database())) db`,
);
const [agent] = await one<{ id: number }>(`select id from "User" where email = 'agent1@bench.invalid'`);
if (!size || !agent) throw new Error("not a bench:web data dir (no agent1@bench.invalid)");
const mailboxIds = (await one<{ id: number }>(`select id from "Mailbox" where kind = 'shared' order by id`)).map(
  (r) => r.id,
);
const convIds = (
  await one<{ id: number }>(`select id from "Conversation" tablesample bernoulli (1) repeatable (7) limit 2000`)
).map((r) => r.id);
const [order] = await one<{ n: string }>(
  `select (1000000 + id)::text n from "Conversation" where id = (select min(id) + least(12345, count(*) / 2) from "Conversation")`,
);
console.log(
  `bench:web: ${size.m} messages, ${size.c} conversations, ${size.mb} shared mailboxes, database ${size.db}; ` +
    `${SAMPLES} samples per variant`,
);
const machine = machineInfo();
console.log(`machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

let seq = 0;
const pick = <T>(list: T[]): T => list[seq++ % list.length] as T;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

interface Result {
  op: string;
  variant: string;
  times: number[];
  rows: number;
}
const results: Result[] = [];

async function measure(op: string, variant: string, run: () => Promise<number>): Promise<void> {
  for (let i = 0; i < 3; i++) await run(); // warm-up, not counted
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    rows = await run();
    times.push(performance.now() - t0);
  }
  results.push({ op, variant, times, rows });
  console.log(
    `  ${op.padEnd(7)} ${variant.padEnd(36)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p95 ${pct(times, 95)
      .toFixed(1)
      .padStart(7)} ms  max ${Math.max(...times)
      .toFixed(1)
      .padStart(7)} ms  (${rows} rows)`,
  );
}

const [oldest] = await one<{ day: string; quarter: string }>(
  `select to_char(min("lastMessageAt") + interval '3 days', 'YYYY-MM-DD') as day,
     to_char(min("lastMessageAt") + interval '6 months', 'YYYY-MM-DD') as quarter from "Conversation"`,
);
// Each variant also names the step of the search ladder that answered it (server/search/search-planner.ts).
const searches: [string, string][] = [
  ["Japanese 2 chars (請求)", "請求"],
  ["Japanese 3 chars (請求書)", "請求書"],
  ["Japanese 5 chars (パスワード)", "パスワード"],
  ["English word (invoice)", "invoice"],
  ["English two words (password reset)", "password reset"],
  ["from: (from:tanaka)", "from:tanaka"],
  ["medium: customer name (佐藤 太郎)", "佐藤 太郎"],
  [`rare: order number (${order?.n})`, order?.n ?? "1000001"],
  ["rare: customer address", "alice.smith0@gmail.com"],
  ["common word (the)", "the"],
  ["common Japanese (お願い)", "お願い"],
  ["status:open + word (login)", "status:open login"],
  ["no match (zyxwvut)", "zyxwvut"],
  ["status:open + common (お願い)", "status:open お願い"],
  ["negation only (-お願い)", "-お願い"],
  ['phrase, no match ("alice smith")', '"alice smith"'],
  ["word -common (login -the)", "login -the"],
  ["word -common (請求書 -お願い)", "請求書 -お願い"],
  ["common -common (the -お願い)", "the -お願い"],
  ["one mailbox + word (mailbox:support3 請求)", "mailbox:support3 請求"],
  ["has:attachment (none in the dataset)", "has:attachment"],
  [`date only, oldest days (before:${oldest?.day})`, `before:${oldest?.day ?? "2024-12-01"}`],
  [`date only, a quarter of all (before:${oldest?.quarter})`, `before:${oldest?.quarter ?? "2025-06-01"}`],
];

if (!args["no-domain"]) {
  // ---------------------------------------------------------------- list
  const userId = agent.id;
  /** The gate's mailbox scope, asked on every call as the inbox procedures do. */
  const scope = async (mailboxId?: number) => (await mailboxScope({ userId, mailboxId })) ?? [];
  const page1 = await listInbox({ userId, mailboxIds: await scope(), filter: { folder: "all", sort: "newest" } });
  const cursors: InboxCursor[] = [];
  for (const mb of mailboxIds.slice(0, 10)) {
    const p = await listInbox({ userId, mailboxIds: await scope(mb), filter: { folder: "all", sort: "newest" } });
    if (p.nextCursor) cursors.push(p.nextCursor);
  }
  await measure("list", "All open, 20 mailboxes", async () => {
    return (await listInbox({ userId, mailboxIds: await scope(), filter: { folder: "open", sort: "newest" } })).items
      .length;
  });
  await measure("list", "All (every status), 20 mailboxes", async () => {
    return (await listInbox({ userId, mailboxIds: await scope(), filter: { folder: "all", sort: "newest" } })).items
      .length;
  });
  await measure("list", "Open, one mailbox (varied)", async () => {
    return (
      await listInbox({ userId, mailboxIds: await scope(pick(mailboxIds)), filter: { folder: "open", sort: "newest" } })
    ).items.length;
  });
  await measure("list", "Mine, 20 mailboxes", async () => {
    return (await listInbox({ userId, mailboxIds: await scope(), filter: { folder: "mine", sort: "newest" } })).items
      .length;
  });
  await measure("list", "Closed, 20 mailboxes", async () => {
    return (await listInbox({ userId, mailboxIds: await scope(), filter: { folder: "closed", sort: "newest" } })).items
      .length;
  });
  await measure("list", "Waiting longest (open), 20 mailboxes", async () => {
    return (await listInbox({ userId, mailboxIds: await scope(), filter: { folder: "open", sort: "waiting" } })).items
      .length;
  });
  await measure("list", "page 2 (cursor), All, 20 mailboxes", async () => {
    if (!page1.nextCursor) return 0;
    return (
      await listInbox({
        userId: agent.id,
        mailboxIds: await scope(),
        filter: { folder: "all", sort: "newest" },
        after: page1.nextCursor,
      })
    ).items.length;
  });
  await measure("list", "page 2 (cursor), All, one mailbox", async () => {
    const i = seq++ % cursors.length;
    const after = cursors[i] as InboxCursor;
    return (
      await listInbox({
        userId: agent.id,
        mailboxIds: await scope(mailboxIds[i]),
        filter: { folder: "all", sort: "newest" },
        after,
      })
    ).items.length;
  });
  await measure("counts", "folder counts, 20 mailboxes", async () => {
    const c = await folderCounts({ userId, mailboxIds: await scope() });
    return c.open;
  });

  // ---------------------------------------------------------------- open
  await measure("open", "getConversation (random of 2000)", async () => {
    const conversation = await authorizeConversation({ userId, conversationId: pick(convIds) });
    const c = conversation ? await getConversation(conversation) : null;
    return c?.messages.length ?? 0;
  });

  // ---------------------------------------------------------------- status
  const statusTargets = convIds.slice(0, SAMPLES + 3);
  const original = new Map(
    (
      await one<{ id: number; status: string }>(`select id, status::text from "Conversation" where id = any($1)`, [
        statusTargets,
      ])
    ).map((r) => [r.id, r.status]),
  );
  let statusIndex = 0;
  await measure("status", "changeStatus (random → pending/open)", async () => {
    const id = statusTargets[statusIndex++ % statusTargets.length] as number;
    const conversation = await authorizeConversation({ userId, conversationId: id });
    if (!conversation) return 0;
    const state = await changeStatus({
      actorId: userId,
      conversation,
      status: original.get(id) === "pending" ? "open" : "pending",
    });
    return state ? 1 : 0;
  });
  for (const [id, status] of original) {
    await client.query(`update "Conversation" set status = $2::"ConversationStatus" where id = $1`, [id, status]);
  }

  // ---------------------------------------------------------------- bulk
  // A bulk action on 500 conversations (the newest not assigned to the agent; open, pending or
  // closed) as bulk.run makes it (the gate's authorizeConversations over the ids, then
  // applyBulkAction: set-based per mailbox, audited per conversation), and its undo as
  // bulk.undo makes it. Target (issue 15): under 2 s.
  const BULK = 500;
  const bulkIds = (
    await one<{ id: number }>(
      `select id from "Conversation" where "mailboxId" = any($1) and status in ('open', 'pending', 'closed') and "deletedAt" is null
       and "assigneeId" is distinct from $2 order by "lastMessageAt" desc limit $3`,
      [mailboxIds, userId, BULK],
    )
  ).map((r) => r.id);
  for (const action of [
    { kind: "assign", assigneeId: userId },
    { kind: "status", status: "pending" },
    // A tag new to every conversation (created in each mailbox the first time), taken off by the undo.
    { kind: "tag", name: "bench-bulk" },
  ] as const) {
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const conversations = await authorizeConversations({ userId, conversationIds: bulkIds });
      const result = await applyBulkAction({ actorId: userId, conversations, action });
      const t1 = performance.now();
      const again = await authorizeConversations({
        userId: agent.id,
        conversationIds: result.undo.flatMap((u) => ("conversationId" in u ? [u.conversationId] : [])),
      });
      const undone = await undoBulkAction({ actorId: userId, items: result.undo, conversations: again, mailboxes: [] });
      const t2 = performance.now();
      console.log(
        `bulk      ${action.kind.padEnd(8)} ${bulkIds.length} conversations: ${(t1 - t0).toFixed(0)} ms ` +
          `(${result.done.length} done, ${result.skipped.length} skipped); undo ${(t2 - t1).toFixed(0)} ms ` +
          `(${undone.done.length} done)`,
      );
    }
  }

  // ---------------------------------------------------------------- search
  for (const [label, text] of searches) {
    const query = parseSearchQuery(text);
    let by = "";
    await measure(`search`, label, async () => {
      const hits = await searchConversations({ userId, query, onStrategy: (s) => (by = s) });
      return hits.length;
    });
    console.log(`          answered by: ${by}`);
  }
  {
    // Page 2 of a common term, by the keyset cursor of page 1.
    const query = parseSearchQuery("お願い");
    const first = await searchConversations({ userId, query });
    const last = first.at(-1);
    const before = last ? { lastMessageAt: last.lastMessageAt, id: last.id } : undefined;
    await measure("search", "page 2 of お願い (cursor)", async () => {
      return (await searchConversations({ userId, query, before })).length;
    });
  }

  // ---------------------------------------------------------------- summary
  const TARGETS: Record<string, number> = { list: 50, open: 100, search: 200 };
  console.log("\nper operation (all variants pooled):");
  const summary: { op: string; p50: number; p95: number; max: number; n: number; target?: number }[] = [];
  for (const op of ["list", "counts", "open", "status", "search"]) {
    const times = results.filter((r) => r.op === op).flatMap((r) => r.times);
    const s = {
      op,
      p50: pct(times, 50),
      p95: pct(times, 95),
      max: Math.max(...times),
      n: times.length,
      target: TARGETS[op],
    };
    summary.push(s);
    console.log(
      `  ${op.padEnd(7)} p50 ${s.p50.toFixed(1)} ms  p95 ${s.p95.toFixed(1)} ms  max ${s.max.toFixed(1)} ms  (n=${s.n})` +
        (s.target ? `  target p95 < ${s.target} ms: ${s.p95 < s.target ? "met" : "NOT met"}` : ""),
    );
  }
}
await disconnectDb();

// ---------------------------------------------------------------- live delivery
// Each mail is timed twice from its SMTP 250: to the event on a raw /api/live stream,
// and to its row in the inbox of a signed-in Chromium page (the SSE event, the debounced
// router refresh, the RSC render and React's commit, up to the frame that paints it).
// The page stamps the row with performance.timeOrigin + performance.now(); the offset
// between the page's clock and this process's is measured by round trips (same machine,
// so it is close to 0, but it is measured rather than assumed).
const LIVE_ON = !args["no-live"] && LIVE > 0;
const HTTP_ON = !args["no-http"];
if (LIVE_ON || HTTP_ON) {
  const dns = LIVE_ON ? await startDnsStub() : null;
  const smtpPort = await freePort();
  const yubin = await startYubinProcess({
    roles: LIVE_ON ? "web,mail" : "web",
    timeoutMs: 600_000,
    env: {
      DATABASE_URL: postgres.url,
      ...(dns ? { YUBIN_SMTP_PORT: String(smtpPort), YUBIN_DNS_SERVERS: dns.server } : {}),
    },
  });
  const browser = LIVE_ON ? await launchBrowser() : null;
  try {
    const cookie = await signInOverHttp(yubin.baseUrl, "agent1@bench.invalid", PASSWORD);
    if (HTTP_ON) {
      const figures = await httpBench({
        baseUrl: yubin.baseUrl,
        cookie,
        client,
        userId: agent.id,
        mailboxIds,
        convIds,
        searches,
        samples: SAMPLES,
        bulk: 500,
        conversationsOnly: args["conversations-only"],
      });
      httpSummary(figures);
    }
    if (LIVE_ON && browser) {
      const abort = new AbortController();
      const stream = await fetch(`${yubin.baseUrl}/api/live`, { headers: { cookie }, signal: abort.signal });
      if (!stream.ok || !stream.body) throw new Error(`/api/live: ${stream.status}`);
      const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      const liveState: { waiting: ((at: number) => void) | null } = { waiting: null };
      let ready: () => void = () => {};
      const readyP = new Promise<void>((r) => {
        ready = r;
      });
      void (async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done) return;
          const at = performance.now();
          buffered += value;
          let end = buffered.indexOf("\n\n");
          while (end >= 0) {
            const event = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            if (event.includes("event: ready")) ready();
            if (event.includes("event: live") && event.includes('"message.stored"')) liveState.waiting?.(at);
            end = buffered.indexOf("\n\n");
          }
        }
      })();
      await readyP;

      // The browser: agent1 on the inbox (All open, newest first), connected to the live feed.
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      // tsx keeps function names by wrapping them in __name(); functions sent to the page need it too.
      await context.addInitScript("globalThis.__name = (f) => f;");
      const page = await context.newPage();
      await browserSignIn(page, yubin.baseUrl, { email: "agent1@bench.invalid", password: PASSWORD });
      await page.waitForFunction(() => document.documentElement.dataset.live === "connected", null, {
        timeout: 30_000,
      });
      await page.evaluate(installRowWatcher);
      const offset = await clockOffset(page);

      const { session } = await SmtpSession.connect("127.0.0.1", smtpPort);
      await session.command("EHLO bench.invalid", 250);
      const live: number[] = [];
      const shown: number[] = [];
      const run = Date.now().toString(36);
      for (let i = 0; i < LIVE + 2; i++) {
        const subject = `ライブ配信テスト ${run}-${i}`;
        const message = dotStuff(
          `From: 田中 一郎 <tanaka.live${i}@example.net>\r\nTo: support1@example.com\r\n` +
            `Subject: ${subject}\r\nMessage-ID: <bench-live-${Date.now()}-${i}@example.net>\r\n` +
            `Date: ${new Date().toUTCString()}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
            `お世話になっております。ライブ配信の計測 ${i} です。\r\n`,
        );
        const arrived = new Promise<number>((resolve) => {
          liveState.waiting = resolve;
        });
        await page.evaluate((s) => (window as unknown as BenchWindow).__benchWatch(s), subject);
        await session.send(`tanaka.live${i}@example.net`, "support1@example.com", message);
        const acked = performance.now();
        const at = await Promise.race([arrived, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 10_000))]);
        liveState.waiting = null;
        const seen = await page
          .waitForFunction((s) => (window as unknown as BenchWindow).__benchSeen[s] ?? null, subject, {
            timeout: 10_000,
          })
          .then((h) => h.jsonValue() as Promise<number>)
          .catch(() => Number.NaN);
        if (i >= 2) {
          // the first two are warm-up
          live.push(at - acked);
          shown.push(seen - offset - (performance.timeOrigin + acked));
        }
        await new Promise((r) => setTimeout(r, 400));
      }
      await session.quit();
      abort.abort();
      const report = (label: string, values: number[]) => {
        const ok = values.filter((v) => !Number.isNaN(v));
        console.log(
          `${label}, ${ok.length}/${values.length} within 10 s): ` +
            `p50 ${pct(ok, 50).toFixed(1)} ms  p95 ${pct(ok, 95).toFixed(1)} ms  max ${Math.max(...ok).toFixed(1)} ms  ` +
            `min ${Math.min(...ok).toFixed(1)} ms  target < 1000 ms`,
        );
      };
      console.log("");
      report("live delivery (SMTP 250 → SSE event on /api/live", live);
      report(
        `live delivery (SMTP 250 → row painted in the Chromium inbox; clock offset ${offset.toFixed(2)} ms`,
        shown,
      );

      if (SCROLL_ROWS > 0) await scrollBench(page, yubin.baseUrl);
    }
  } finally {
    await browser?.close();
    await yubin.stop();
    await dns?.close();
  }
}

/** Per operation, the HTTP variants pooled, against issue 15's targets. */
function httpSummary(figures: HttpFigure[]) {
  console.log(
    "\nHTTP, per operation (all variants pooled; a target is met when the slowest variant's p95 is under it):",
  );
  for (const op of ["inbox", "counts", "open", "search", "long", "page", "bulk"]) {
    const times = figures.filter((f) => f.op === op).flatMap((f) => f.times);
    if (times.length === 0) continue;
    const target = HTTP_TARGETS[op];
    const worst = figures
      .filter((f) => f.op === op)
      .map((f) => ({ variant: f.variant, p95: pct(f.times, 95) }))
      .sort((x, y) => y.p95 - x.p95)[0];
    const max = Math.max(...times);
    // The issue's targets are per variant ("every search variant p95 under 100 ms"): the slowest one decides.
    const met = target && worst && worst.p95 < target.p95 && (target.max === undefined || max < target.max);
    console.log(
      `  ${op.padEnd(7)} p50 ${pct(times, 50).toFixed(1)} ms  p95 ${pct(times, 95).toFixed(1)} ms  max ${max.toFixed(1)} ms  ` +
        `(n=${times.length}; slowest variant by p95: ${worst?.variant} ${worst?.p95.toFixed(1)} ms)` +
        (target
          ? `  target p95 < ${target.p95} ms${target.max ? `, max < ${target.max} ms` : ""}: ${met ? "met" : "NOT met"}`
          : ""),
    );
  }
}

interface BenchWindow {
  __benchWatch: (subject: string) => void;
  __benchSeen: Record<string, number>;
}

/**
 * In the page: stamps the frame in which a row with the watched subject is first in the
 * inbox list. A MutationObserver sees the commit; the stamp is taken in the next
 * animation frame, the one that paints it.
 */
function installRowWatcher() {
  const w = window as unknown as BenchWindow;
  const watching = new Set<string>();
  w.__benchSeen = {};
  const check = () => {
    if (!watching.size) return;
    for (const link of document.querySelectorAll("ul[data-conversation-list] > li > a")) {
      for (const subject of watching) {
        if (link.textContent?.includes(subject)) {
          watching.delete(subject);
          requestAnimationFrame(() => {
            w.__benchSeen[subject] = performance.timeOrigin + performance.now();
          });
        }
      }
    }
  };
  new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
  w.__benchWatch = (subject) => {
    watching.add(subject);
    check();
  };
}

/** The page's clock minus this process's (epoch ms), from the tightest of 20 round trips. */
async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < 20; i++) {
    const before = performance.timeOrigin + performance.now();
    const there = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = performance.timeOrigin + performance.now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: there - (before + after) / 2 };
  }
  return best.offset;
}

/**
 * Scroll smoothness of the virtualised list: the Closed folder (over every mailbox; the
 * largest folder of the seed) is scrolled in the page by a fixed step per animation frame
 * until SCROLL_ROWS rows have been loaded by infinite scroll, and the intervals between
 * frames are recorded. Headless Chromium without a GPU: this is main-thread frame pacing
 * (script, layout, React commits, page fetches landing), not what a compositor would show.
 */
async function scrollBench(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/inbox?folder=closed`);
  await page.locator("ul[data-conversation-list]").waitFor();
  const result = await page.evaluate(
    async ({ rows, step }) => {
      const loaded = () =>
        Number(
          /^[\d,]+/
            .exec(document.querySelector("[data-testid='list-count']")?.textContent ?? "")?.[0]
            ?.replaceAll(",", "") ?? 0,
        );
      const frames: number[] = [];
      let maxRendered = 0;
      let last = performance.now();
      const started = last;
      await new Promise<void>((done) => {
        let lastY = window.scrollY;
        const tick = (now: number) => {
          // Frames in which the page did not move (at the end, waiting for the next page) are not counted.
          if (window.scrollY !== lastY) frames.push(now - last);
          lastY = window.scrollY;
          last = now;
          maxRendered = Math.max(maxRendered, document.querySelectorAll("ul[data-conversation-list] > li").length);
          if (loaded() >= rows || now - started > 300_000) return done();
          window.scrollBy(0, step);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      return { frames, maxRendered, loaded: loaded(), seconds: (performance.now() - started) / 1000 };
    },
    { rows: SCROLL_ROWS, step: SCROLL_STEP },
  );
  const f = result.frames;
  console.log(
    `\nscrolling the Closed folder by ${SCROLL_STEP} px per frame through ${result.loaded} loaded rows ` +
      `(${f.length} frames in ${result.seconds.toFixed(1)} s, at most ${result.maxRendered} rows in the DOM): ` +
      `frame interval p50 ${pct(f, 50).toFixed(1)} ms  p95 ${pct(f, 95).toFixed(1)} ms  p99 ${pct(f, 99).toFixed(1)} ms  ` +
      `max ${Math.max(...f).toFixed(1)} ms; ${f.filter((x) => x > 50).length} frames over 50 ms`,
  );
}

await client.end();
await postgres.stop();
