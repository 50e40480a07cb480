// Message trace search at scale: seeds N trace records (default 1,000,000,
// spread over 30 days) straight into a fresh embedded PostgreSQL with
// generate_series, then times the real domain function (searchTraces) for
// the searches an admin makes: by recipient and time range, by Message-ID,
// and for context by sender, client address, subject words and result. A
// load generator, not a test: it reports figures and never fails on them.
//
// Usage: npm run bench:trace -- [--records 1000000] [--queries 200] [--keep DIR] [--no-docs]
// Targets (issue 14): recipient + time range p95 < 200 ms, Message-ID < 20 ms.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { closeSqlPool } from "../server/db/raw-sql.ts";
import { searchTraces, type TraceQuery } from "../server/trace/search-traces.ts";
import { repoRoot } from "../tests/support/yubin-process.ts";
import { machineInfo } from "./proc-stats.ts";

const { values: args } = parseArgs({
  options: {
    records: { type: "string" },
    queries: { type: "string" },
    keep: { type: "string" },
    "no-docs": { type: "boolean" },
  },
});
const RECORDS = Number(args.records ?? 1_000_000);
const QUERIES = Number(args.queries ?? 200);
if (!Number.isInteger(RECORDS) || RECORDS < 1000) throw new Error("--records must be an integer ≥ 1000");
if (!Number.isInteger(QUERIES) || QUERIES < 10) throw new Error("--queries must be an integer ≥ 10");

const DAY = 24 * 3600_000;
const RECIPIENTS = 20_000;
const SENDERS = 50_000;
const CLIENTS = 2_000;
const now = Date.now();
const span = 30 * DAY;

const machine = machineInfo();
const scratch = args.keep ?? mkdtempSync(path.join(os.tmpdir(), "yubin-bench-trace-"));
chmodSync(scratch, 0o711);
const pgServer = await startEmbeddedPostgres(path.join(scratch, "pg"));
process.env.DATABASE_URL = pgServer.url;
const client = new pg.Client({ connectionString: pgServer.url });

const loads: number[] = [];
const sampleLoad = () => loads.push(os.loadavg()[0] as number);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Runs `make(i)` QUERIES times, one at a time; latency percentiles in ms and the mean hits. */
async function measure(name: string, make: (i: number) => TraceQuery) {
  const times: number[] = [];
  let hits = 0;
  // A few first, untimed: plans and caches warm, as on a server that has been running.
  for (let i = 0; i < 5; i++) await searchTraces(make(QUERIES + i));
  for (let i = 0; i < QUERIES; i++) {
    const query = make(i);
    const t = performance.now();
    const found = await searchTraces(query);
    times.push(performance.now() - t);
    hits += found.items.length;
    if (i % 50 === 0) sampleLoad();
  }
  times.sort((a, b) => a - b);
  const row = {
    name,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times.at(-1) as number,
    hits: hits / QUERIES,
  };
  console.log(
    `${name.padEnd(44)} p50 ${row.p50.toFixed(2).padStart(7)} ms  p95 ${row.p95.toFixed(2).padStart(7)} ms  max ${row.max.toFixed(1).padStart(7)} ms  (${row.hits.toFixed(1)} hits per search)`,
  );
  return row;
}

// A deterministic pseudo-random integer from a seed (the same run twice searches the same things).
const pick = (i: number, salt: number, n: number) => Math.abs(((i + 1) * 2654435761 + salt * 40503) % 2 ** 31) % n;

let rows: Awaited<ReturnType<typeof measure>>[] = [];
try {
  await applyMigrations(pgServer.url);
  await client.connect();
  const already = Number((await client.query(`select count(*) as n from "MessageTrace"`)).rows[0]?.n ?? 0);
  if (already < RECORDS) {
    console.log(`seeding ${RECORDS - already} trace records over 30 days …`);
    const t = performance.now();
    const chunk = 100_000;
    for (let from = already + 1; from <= RECORDS; from += chunk) {
      const to = Math.min(RECORDS, from + chunk - 1);
      // One statement per chunk: the traces (kinds, results and replies in realistic
      // shares, a fifth of all mail to support@), then their recipient rows.
      await client.query(
        `with t as (
          insert into "MessageTrace" (kind, result, "startedAt", "endedAt", "sessionId", "clientAddress", helo,
            "tlsVersion", "tlsCipher", "mailFrom", recipients, size, "replyCode", "replyText", spf, dkim, dmarc, arc,
            "messageIdHeader", subject, "messageIds", "conversationIds", details)
          select
            (case when g % 10 < 7 then 'mx' when g % 10 < 8 then 'submission' else 'delivery' end)::"TraceKind",
            (case when g % 100 < 85 then 'delivered' when g % 100 < 93 then 'rejected'
                  when g % 100 < 98 then 'deferred' else 'bounced' end)::"TraceResult",
            to_timestamp(($1::bigint - (g::bigint * 2654435761 % $2::bigint)) / 1000.0),
            to_timestamp(($1::bigint - (g::bigint * 2654435761 % $2::bigint) + 40) / 1000.0),
            'bench.' || g, '198.51.' || (g % $5 / 250) || '.' || (g % 250), 'mail' || (g % $5) || '.sender.example',
            'TLSv1.3', 'TLS_AES_256_GCM_SHA384',
            's' || (g * 31 % $4) || '@sender.example',
            array[case when g % 5 = 0 then 'support@example.com' else 'r' || (g * 17 % $3) || '@example.com' end],
            4000 + g % 60000,
            case when g % 100 < 85 then 250 when g % 100 < 93 then 550 when g % 100 < 98 then 452 else 550 end,
            case when g % 100 < 85 then '250 2.6.0 Message accepted as bench.' || g
                 when g % 100 < 93 then '550 5.1.1 No such user here'
                 when g % 100 < 98 then '452 4.2.2 Mailbox full, try again later'
                 else '550 5.7.1 Message rejected as spam' end,
            'pass', 'none', 'none', 'none',
            'm' || g || '@sender.example',
            (array['Invoice', 'Order', 'Question about my account', '請求書の再発行について', 'Delivery delay',
                   '納品日のご確認', 'Password reset', 'Meeting next week'])[1 + g % 8] || ' ' || (g % 10000),
            array[g::int], array[(g / 3)::int], '{}'
          from generate_series($6::bigint, $7::bigint) g
          returning id, recipients, "startedAt")
        insert into "MessageTraceRecipient" ("traceId", address, "startedAt")
        select t.id, r, t."startedAt" from t, unnest(t.recipients) r`,
        [now, span, RECIPIENTS, SENDERS, CLIENTS, from, to],
      );
      process.stdout.write(`  ${to} (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
    }
    console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  // What autovacuum keeps up with a live MX (the migration has it vacuum MessageTrace every
  // 10,000 new rows): the visibility map that lets a subject search read only the time index.
  // A search of the newest rows not yet vacuumed (fewer than 10,000) visits their pages too.
  await client.query(`vacuum (analyze) "MessageTrace"`);
  await client.query(`vacuum (analyze) "MessageTraceRecipient"`);
  const sizes = (
    await client.query<{ t: string; r: string }>(
      `select pg_size_pretty(pg_total_relation_size('"MessageTrace"')) as t,
              pg_size_pretty(pg_total_relation_size('"MessageTraceRecipient"')) as r`,
    )
  ).rows[0];
  console.log(`tables: MessageTrace ${sizes?.t}, MessageTraceRecipient ${sizes?.r}\n`);

  const week = (i: number) => {
    const until = new Date(now - pick(i, 1, 23) * DAY);
    return { since: new Date(until.getTime() - 7 * DAY), until };
  };
  const month = { since: new Date(now - 31 * DAY + 1000), until: new Date(now) };
  rows = [
    await measure("recipient + 7-day range", (i) => ({
      recipient: `r${pick(i, 2, RECIPIENTS)}@example.com`,
      ...week(i),
    })),
    await measure("recipient + 31-day range", (i) => ({
      recipient: `r${pick(i, 3, RECIPIENTS)}@example.com`,
      ...month,
    })),
    await measure("busy recipient (1/5 of all) + 7-day range", (i) => ({
      recipient: "support@example.com",
      ...week(i),
    })),
    await measure("Message-ID, 31-day range", (i) => ({
      messageId: `m${1 + pick(i, 4, RECORDS)}@sender.example`,
      ...month,
    })),
    await measure("sender + 31-day range", (i) => ({ sender: `s${pick(i, 5, SENDERS)}@sender.example`, ...month })),
    await measure("client address + 7-day range", (i) => ({
      clientAddress: `198.51.${pick(i, 6, 8)}.${pick(i, 7, 250)}`,
      ...week(i),
    })),
    await measure("subject words + 7-day range", (i) => ({ subject: `Invoice ${pick(i, 8, 1250) * 8}`, ...week(i) })),
    await measure("result deferred + 7-day range", (i) => ({ result: "deferred", ...week(i) })),
  ];
} finally {
  await client.end().catch(() => {});
  await closeSqlPool();
  await pgServer.stop();
  if (!args.keep) rmSync(scratch, { recursive: true, force: true });
}

const load = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : Number.NaN;
const byName = (name: string) => rows.find((r) => r.name === name);
const recipient = byName("recipient + 7-day range");
const messageId = byName("Message-ID, 31-day range");
console.log(
  `\nmachine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average during the searches ${load.toFixed(2)}`,
);
console.log(
  `targets: recipient + time range p95 ${recipient?.p95.toFixed(1)} ms (< 200), Message-ID p95 ${messageId?.p95.toFixed(1)} ms (< 20)`,
);

const DOC = path.join(repoRoot, "docs", "benchmarks.md");
const START = "<!-- bench:trace rows start (written by bench/trace-search.ts; latest run per records/machine wins) -->";
const END = "<!-- bench:trace rows end -->";
if (!args["no-docs"] && existsSync(DOC)) {
  let code = "unknown";
  try {
    code = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {}
  const date = new Date().toISOString().slice(0, 10);
  const machineCell = `${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}`;
  const cell = (r: (typeof rows)[number] | undefined) => (r ? `${r.p50.toFixed(1)} / ${r.p95.toFixed(1)}` : "n/a");
  const row = `| ${date}, ${code} | ${machineCell} | \`npm run bench:trace -- --records ${RECORDS} --queries ${QUERIES}\` | ${RECORDS.toLocaleString("en")} | ${cell(recipient)} | ${cell(byName("recipient + 31-day range"))} | ${cell(byName("busy recipient (1/5 of all) + 7-day range"))} | ${cell(messageId)} | ${cell(byName("sender + 31-day range"))} | ${cell(byName("client address + 7-day range"))} | ${cell(byName("subject words + 7-day range"))} | ${cell(byName("result deferred + 7-day range"))} | ${load.toFixed(2)} |`;
  const header =
    "| date | machine | command | records | recipient + 7 days p50 / p95 ms | recipient + 31 days | busy recipient + 7 days | Message-ID | sender + 31 days | client + 7 days | subject words + 7 days | result + 7 days | load average |\n" +
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  let doc = readFileSync(DOC, "utf8");
  if (!doc.includes(START)) {
    doc = `${doc.trimEnd()}\n\n## Message trace search (bench:trace)\n\n${START}\n${header}\n${END}\n`;
  }
  const [head, rest] = doc.split(START) as [string, string];
  const [table, tail] = rest.split(END) as [string, string];
  const key = (line: string) => line.split(" | ").slice(1, 4).join("|");
  const kept = table
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| date") && !l.startsWith("| ---") && key(l) !== key(row));
  writeFileSync(DOC, `${head}${START}\n${header}\n${[...kept, row].join("\n")}\n${END}${tail}`);
  console.log(`wrote the figures to docs/benchmarks.md (Message trace search)`);
}
