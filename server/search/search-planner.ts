// Which SQL of build-search.ts answers a page: the cheapest plan depends on
// how common the query's text is, which only the data can tell.
import { db, type Prisma } from "../db.ts";
import type { IndexScope, SearchSql } from "./build-search.ts";
import { olderThan } from "./conversation-conditions.ts";

/**
 * How a page is found. Conversations are shown newest first, so the cheapest
 * plan depends on how common the query's text is.
 *   - "walk": candidate conversations newest first (the Conversation index
 *     that matches the sort), each probed through its own messages and notes
 *     ("Message_conversationId_internalDate_idx"), stopping when the page is
 *     full. Cost follows the conversations looked at (~5–10 µs each when
 *     cached, ~5 messages per conversation), so it is fast when many
 *     conversations match and slow for a rare term (it may look at every
 *     conversation).
 *   - "window": the K newest candidates, intersected (BitmapAnd) with the GIN
 *     index's matching messages; a full page from the window is the answer.
 *     Cost follows K plus the term's posting list, whatever the match count.
 *   - "index": every matching message and note from the GIN indexes (without
 *     text: the messages with attachments, or in the date range), then their
 *     conversations sorted. Cost follows the number of matching
 *     messages: fast for rare terms, slow for common ones.
 *   - "auto" (the default): a ladder, each step taken only when the one before
 *     could not answer. A query bounded by before:D without text or
 *     has:attachment first takes the "dated" step: the matching conversations
 *     whose latest message is at or after D (those whose items span D, through
 *     Conversation.firstItemAt's GiST index), then the walk from D down; then: the walk over WALK_BUDGET conversations (common
 *     terms), a window of 10× that (a term in ≥ 0.5 % of recent
 *     conversations) and the index stopped after 5× WALK_BUDGET matching
 *     items (rare terms) — in the order the planner's row estimates suggest —
 *     a window of 100×, and last the whole index. Every step is exact: a walk
 *     or window answers only from a prefix of the newest-first order holding
 *     a full page (or every candidate), the capped index only when it was not
 *     capped.
 */
export type SearchStrategy = "auto" | "walk" | "window" | "index";

/**
 * Conversations the walk probes before "auto" moves on (~5–10 ms on the bench:web dataset, warm; see
 * docs/benchmarks.md). The later steps scale with it: a window of 10×, at most 5× matching items for
 * the capped index, a window of 100×.
 */
export const WALK_BUDGET = 1000;

export type SearchStep = "walk" | "window" | "index" | "dated";

/** Matching messages (the planner's estimate), per conversation of the walk's budget, above which a term is common. */
const COMMON_TERM_MESSAGES_PER_BUDGET = 20;

/** For tests and the bench; the app passes none of these. */
export interface SearchTuning {
  /** "auto" unless forced. */
  strategy?: SearchStrategy;
  /** WALK_BUDGET unless set; the later steps scale with it. */
  walkBudget?: number;
  /** Told which step answered. */
  onStrategy?: (by: SearchStep) => void;
}

/** The planner's estimate of the messages the GIN lookup returns (Infinity when unknown). */
async function estimatedMessages(built: SearchSql): Promise<number> {
  if (!built.estimate) return Number.POSITIVE_INFINITY;
  interface PlanNode {
    "Node Type": string;
    "Plan Rows": number;
    Plans?: PlanNode[];
  }
  const [row] = await db().$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(built.estimate);
  const plan = row?.["QUERY PLAN"][0]?.Plan;
  if (!plan) return Number.POSITIVE_INFINITY;
  const parts = plan["Node Type"] === "Append" && plan.Plans ? plan.Plans : [plan];
  return Math.min(...parts.map((p) => p["Plan Rows"]));
}

/** Matching conversation ids of one page, newest first, and the step that found them. */
export async function matchingIds(
  built: SearchSql,
  strategy: SearchStrategy,
  budget: number,
): Promise<{ ids: number[]; by: SearchStep }> {
  const walk = async (b: number | null, also?: Prisma.Sql, limit = built.limit) => {
    const rows = await db().$queryRaw<{ id: number; lastMessageAt: Date; hit: boolean; last: boolean }[]>(
      built.walk(b, also, limit),
    );
    const hits = rows.filter((r) => r.hit).map((r) => r.id);
    // The budget's last candidate: a longer walk goes on after it rather than probing the same ones again.
    const end = rows.find((r) => r.last);
    return { ids: hits.slice(0, limit), done: hits.length >= limit || !end, after: end ? olderThan(end) : null };
  };
  const { index } = built;
  if (strategy === "walk") return { ids: (await walk(null)).ids, by: "walk" };
  if (!index) {
    // Nothing to look up (negations and conversation conditions only: `-お願い`): walks of growing budgets.
    // Unbudgeted, the planner sorts every candidate conversation before the first probe (200,000 at 1M:
    // ~200 ms for `-お願い`, which then probes 109); a budget lets it read them in order from the index.
    // Each walk goes on where the last one stopped, for the rest of the page.
    const ids: number[] = [];
    let after: Prisma.Sql | undefined;
    let walked = 0;
    for (let b = budget; b <= budget * 100; b *= 10) {
      const step = await walk(b - walked, after, built.limit - ids.length);
      ids.push(...step.ids);
      if (step.done || !step.after) return { ids, by: "walk" };
      after = step.after;
      walked = b;
    }
    ids.push(...(await walk(null, after, built.limit - ids.length)).ids);
    return { ids, by: "walk" };
  }
  if (built.dated && strategy === "auto") {
    // before:D without text: the matching conversations at or after D (few: those whose items span D),
    // then the walk from D down for the rest of the page.
    const spanning = (await db().$queryRaw<{ id: number }[]>(built.dated.spanning)).map((r) => r.id);
    if (spanning.length >= built.limit) return { ids: spanning, by: "dated" };
    const rest = await walk(budget, built.dated.older, built.limit - spanning.length);
    if (rest.done) return { ids: [...spanning, ...rest.ids], by: "dated" };
  }
  const indexed = async (scope: IndexScope) => {
    const [row] = await db().$queryRaw<{ ids: number[]; considered: number | null; found: number | null }[]>(
      index(scope),
    );
    const ids = row?.ids ?? [];
    // A capped step saw an arbitrary subset when it hit the cap: only a complete one answers. A window is a
    // prefix of the order, so a full page from it is the answer, and so is any page once it held every candidate.
    if (scope.cap && (row?.found ?? 0) >= scope.cap) return { ids, done: false };
    const windowFull = !!scope.window && (row?.considered ?? 0) >= scope.window;
    return { ids, done: ids.length >= built.limit || !windowFull };
  };
  if (strategy === "index") return { ids: (await indexed({})).ids, by: "index" };
  if (strategy === "window") {
    // Forced windows (tests): grow until one answers.
    for (let window = budget; ; window *= 10) {
      const step = await indexed({ window });
      if (step.done) return { ids: step.ids, by: "window" };
    }
  }
  const first = await walk(budget);
  if (first.done) return { ids: first.ids, by: "walk" };
  const estimate = await estimatedMessages(built);
  // A common term whose page the walk did not fill because the query excludes something (`word -common`):
  // the window's cost follows the term's posting list (請求書 at 1M: 102,488 messages, ~1.5 s with
  // `-お願い`), the walk's the conversations it looks at. When the hits so far say a longer walk (at most
  // the window's 10×) fills the page, that walk is tried first. Not without a negation: there the tokens'
  // AND is what the window intersects (佐藤 太郎: 8,365 messages, 15 ms), however common each token is.
  if (built.negated && estimate > budget * COMMON_TERM_MESSAGES_PER_BUDGET && first.ids.length > 0) {
    const needed = Math.ceil(((budget * built.limit) / first.ids.length) * 1.3);
    if (needed <= budget * 10 && first.after) {
      // From where the first walk stopped, for the rest of the page: its hits stand.
      const longer = await walk(needed - budget, first.after, built.limit - first.ids.length);
      if (longer.done) return { ids: [...first.ids, ...longer.ids], by: "walk" };
    }
  }
  // Not common among the newest conversations. The window of 10× answers a term that is merely uncommon,
  // the capped index a rare one (or one common only further back); the planner's estimate of the
  // matching messages says which to try first.
  const cap = budget * 5;
  const capped = async () => ({ ...(await indexed({ cap })), by: "index" as const });
  const recent = async () => ({ ...(await indexed({ window: budget * 10 })), by: "window" as const });
  const rareFirst = estimate <= cap;
  for (const step of rareFirst ? [capped, recent] : [recent, capped]) {
    const answer = await step();
    if (answer.done) return { ids: answer.ids, by: answer.by };
  }
  const older = await indexed({ window: budget * 100 });
  if (older.done) return { ids: older.ids, by: "window" };
  return { ids: (await indexed({})).ids, by: "index" };
}
