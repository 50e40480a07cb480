// Opening a conversation over HTTP, two builds side by side: this checkout and another
// (`--base DIR`, e.g. a worktree of main with its own `next build`), each a `yubin start
// --roles web` on the same bench:web database, signed in as agent1, and every request
// alternated between them (A then B, then B then A), so that the load of a shared machine
// falls on both alike. bench:web measures one build at a time; on a loaded machine two such
// runs differ by more than a change does.
//
// Variants: `conversations.get` (random, and the bench's 100-message conversation), the
// batch of the ten calls the conversation view makes (one GET, as httpBatchLink sends
// them), and the page's HTML (random, 100 messages). Then, per build, about how many SQL
// statements one page costs (pg_stat_database's commits over ten page loads: every
// statement outside a transaction is one; approximate, other sessions' commits count too).
//
// Usage: npm run bench:web-pair -- --data DIR --base DIR [--rounds 30]
//   --data: a bench:web data dir (bench/seed-large.ts; bench:web's default is
//   $TMPDIR/yubin-bench-web-20000). Both checkouts need a current web build.
import { readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { signInOverHttp } from "../tests/support/http-session.ts";
import { repoRoot, startYubinProcess, type YubinProcess } from "../tests/support/yubin-process.ts";
import { machineInfo } from "./proc-stats.ts";
import { longConversation, pct } from "./web-http.ts";

const { values: args } = parseArgs({
  options: { data: { type: "string" }, base: { type: "string" }, rounds: { type: "string" } },
});
if (!args.data || !args.base) throw new Error("usage: bench/web-open-pair.ts --data DIR --base DIR [--rounds 30]");
const ROUNDS = Number(args.rounds ?? 30);
const WARMUP = 3;
const PASSWORD = "bench password 123";

/** The conversation view's calls (app/(app)/conversations/[id]/conversation-view.tsx), as one batch. */
const VIEW_CALLS = [
  "notes.list",
  "tags.list",
  "contacts.customer",
  "drafts.get",
  "approval.forConversation",
  "workflow.state",
  "workflow.history",
  "workflow.statusLabels",
  "me.session",
  "preferences.get",
];
const UNSCOPED = new Set(["workflow.statusLabels", "me.session", "preferences.get"]);

const postgres = await startEmbeddedPostgres(args.data);
const client = new pg.Client({ connectionString: postgres.url });
await client.connect();
const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");
const machine = machineInfo();
console.log(`machine: ${machine.cpus} × ${machine.model}, Node ${machine.node}; load average ${loadavg()}`);

// The same sample as bench:web's (about 1 % of the conversations), 40 of them.
const convIds = (
  await client.query<{ id: number }>(
    `select id from "Conversation" tablesample bernoulli (1) repeatable (7) where "deletedAt" is null limit 2000`,
  )
).rows.map((r) => r.id);
const sample = convIds.filter((_, i) => i % Math.max(1, Math.floor(convIds.length / 40)) === 0);
const long = await longConversation(client, 100);

interface Build {
  name: string;
  yubin: YubinProcess;
  cookie: string;
}
const builds: Build[] = [];
try {
  for (const [name, root] of [
    ["this checkout", repoRoot],
    ["base", args.base],
  ] as const) {
    const yubin = await startYubinProcess({
      root,
      roles: "web",
      timeoutMs: 600_000,
      env: { DATABASE_URL: postgres.url },
    });
    builds.push({
      name: `${name} (${root})`,
      yubin,
      cookie: await signInOverHttp(yubin.baseUrl, "agent1@bench.invalid", PASSWORD),
    });
  }

  async function get(build: Build, path: string): Promise<string> {
    const response = await fetch(`${build.yubin.baseUrl}${path}`, {
      headers: { cookie: build.cookie },
      redirect: "manual",
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`${build.name}: GET ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return text;
  }
  const batch = (calls: string[], conversationId: number) =>
    `/api/trpc/${calls.join(",")}?batch=1&input=${encodeURIComponent(
      JSON.stringify(Object.fromEntries(calls.map((c, i) => [i, UNSCOPED.has(c) ? undefined : { conversationId }]))),
    )}`;

  const variants: [string, (n: number) => string][] = [
    ["conversations.get, random", (n) => batch(["conversations.get"], sample[n % sample.length] as number)],
    ["conversations.get, 100 messages", () => batch(["conversations.get"], long)],
    ["the view's 10 calls, one batch, random", (n) => batch(VIEW_CALLS, sample[n % sample.length] as number)],
    ["GET /conversations/<id> (HTML), random", (n) => `/conversations/${sample[n % sample.length]}`],
    ["GET /conversations/<id> (HTML), 100 messages", () => `/conversations/${long}`],
  ];
  const times = new Map<string, number[]>();
  /** The web process's CPU time (user + system), ms: less swayed by the machine's load than latency. */
  const cpuMs = (build: Build) => {
    const fields = readFileSync(`/proc/${build.yubin.child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  const cpu = new Map<string, number>();
  const sizes = new Map<string, number>();
  console.log(`${ROUNDS} rounds (+${WARMUP} warm-up), requests alternated between the builds`);
  for (let round = 0; round < ROUNDS + WARMUP; round++) {
    for (const [variant, path] of variants) {
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const build of order) {
        const c0 = cpuMs(build);
        const t0 = performance.now();
        const body = await get(build, path(round));
        const ms = performance.now() - t0;
        if (round < WARMUP) continue;
        const key = `${variant}\t${build.name}`;
        times.set(key, [...(times.get(key) ?? []), ms]);
        cpu.set(key, (cpu.get(key) ?? 0) + cpuMs(build) - c0);
        sizes.set(key, body.length);
      }
    }
  }
  console.log(`load average after: ${loadavg()}\n`);
  for (const [variant] of variants) {
    console.log(variant);
    for (const build of builds) {
      const t = times.get(`${variant}\t${build.name}`) ?? [];
      console.log(
        `  ${build.name.padEnd(50)} p50 ${pct(t, 50).toFixed(1).padStart(7)} ms  p95 ${pct(t, 95)
          .toFixed(1)
          .padStart(7)} ms  max ${Math.max(...t)
          .toFixed(1)
          .padStart(7)} ms  web CPU ${((cpu.get(`${variant}\t${build.name}`) ?? 0) / t.length)
          .toFixed(1)
          .padStart(6)} ms/request  ${Math.round((sizes.get(`${variant}\t${build.name}`) ?? 0) / 1024)} KiB`,
      );
    }
  }

  // Statements per page: commits of the database over ten page loads, once the backends
  // have reported them (PostgreSQL flushes a backend's counters when it idles, at most every
  // second, at the latest after ten).
  const commits = async () =>
    Number(
      (
        await client.query<{ n: string }>(
          `select xact_commit::text n from pg_stat_database where datname = current_database()`,
        )
      ).rows[0]?.n,
    );
  const settle = () => new Promise((r) => setTimeout(r, 11_000));
  console.log("\nSQL statements per page load (approximate: commits of the database / 10 loads)");
  for (const build of builds) {
    for (const [label, path] of [
      ["100 messages", `/conversations/${long}`],
      ["random", `/conversations/${sample[0]}`],
    ] as const) {
      await settle();
      const before = await commits();
      for (let i = 0; i < 10; i++) await get(build, path);
      await settle();
      // The first read is a commit of its own (each statement here is its own transaction).
      const per = (await commits()) - before - 1;
      console.log(`  ${build.name.padEnd(50)} ${label.padEnd(14)} ${(per / 10).toFixed(1)}`);
    }
  }
} finally {
  for (const build of builds) await build.yubin.stop();
  await client.end();
  await postgres.stop();
}
