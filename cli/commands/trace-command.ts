// `yubin trace QUERY [--since 2d] [--result R] [--limit N] [--json]`: the
// message trace on the command line. QUERY is a sender or recipient address,
// a Message-ID, a client IP address, or words of a subject; each match is
// printed as the same story the admin page tells (in English, from the same
// dictionary), newest first.
import { traceEn } from "../../app/i18n/trace-messages.ts";
import { InputError } from "../../server/errors.ts";
import { TRACE_MAX_RANGE_DAYS } from "../../server/limits.ts";
import { searchTraces } from "../../server/trace/search-traces.ts";
import { TRACE_RESULTS, type TraceResult } from "../../server/trace/trace-record.ts";
import { type StoryEntry, type TraceStory, traceStory } from "../../server/trace/trace-story.ts";
import { parseCommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

const DAY_MS = 24 * 3600_000;
const UNITS: Record<string, number> = { m: 60_000, h: 3600_000, d: DAY_MS, w: 7 * DAY_MS };

/** "2d", "12h", "30m", "1w": a duration back from now. */
export function parseSince(text: string): number {
  const m = /^(\d{1,6})\s*([mhdw])$/i.exec(text.trim());
  if (!m) throw new UsageError(`--since takes a duration like 30m, 12h, 2d or 1w, not "${text}"`);
  const ms = Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number);
  if (ms <= 0) throw new InputError("--since must be more than zero.");
  if (ms > TRACE_MAX_RANGE_DAYS * DAY_MS) {
    throw new InputError(`The time range may span at most ${TRACE_MAX_RANGE_DAYS} days.`);
  }
  return ms;
}

const words = traceEn as Record<string, string>;
const fill = (key: string, params: Record<string, string | number> = {}) =>
  (words[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
const utc = (d: Date) =>
  d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
const clock = (d: Date) => d.toISOString().slice(11, 23);

function entryLines(entry: StoryEntry): string[] {
  const params = { ...entry.params, ...(entry.time ? { time: utc(entry.time) } : {}) };
  const lines = [`  ${clock(entry.at)}  ${fill(`trace.story.${entry.key}`, params)}`];
  if (entry.reply) lines.push(`                  ${entry.reply}`);
  if (entry.why) lines.push(`                  ${fill(`trace.why.${entry.why}`)}`);
  if (entry.conversationId !== undefined) lines.push(`                  conversation #${entry.conversationId}`);
  return lines;
}

export function storyText(story: TraceStory): string {
  const { trace } = story;
  const lines = [
    `trace ${trace.id}  ${utc(trace.startedAt)}  ${fill(`trace.kind.${trace.kind}`)}  ${fill(`trace.result.${trace.result}`)}` +
      (trace.subject ? `  “${trace.subject}”` : ""),
    ...story.entries.flatMap(entryLines),
  ];
  for (const job of story.queue) {
    lines.push(
      `  queue: job ${job.id} to ${job.domain} ${job.state}, ${job.attempts} attempt(s), next ${utc(job.nextAttemptAt)}`,
    );
  }
  for (const r of story.related) {
    lines.push(`  same message: trace ${r.id}  ${utc(r.startedAt)}  ${fill(`trace.kind.${r.kind}`)}  ${r.result}`);
  }
  return lines.join("\n");
}

export async function traceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    { since: { type: "string" }, json: { type: "boolean" }, result: { type: "string" }, limit: { type: "string" } },
    ["QUERY"],
  );
  const query = (positionals[0] as string).trim();
  if (query === "") throw new UsageError("QUERY is empty");
  const back = parseSince(values.since ?? "2d");
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new UsageError("--limit takes a number from 1 to 200");
  const result = values.result as TraceResult | undefined;
  if (result !== undefined && !TRACE_RESULTS.includes(result)) {
    throw new UsageError(`--result takes one of ${TRACE_RESULTS.join(", ")}`);
  }
  return withDatabase(async () => {
    const until = new Date();
    const found = await searchTraces({ any: query, since: new Date(until.getTime() - back), until, result, limit });
    const stories = (await Promise.all(found.items.map((item) => traceStory(item.id)))).filter(
      (s): s is TraceStory => s !== null,
    );
    if (values.json) {
      console.log(JSON.stringify(stories, null, 2));
      return 0;
    }
    if (stories.length === 0) {
      console.log(`no trace matches "${query}" since ${utc(new Date(until.getTime() - back))}`);
      return 0;
    }
    console.log(stories.map(storyText).join("\n\n"));
    return 0;
  });
}
