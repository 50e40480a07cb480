// Finding traces: by sender, recipient, subject, Message-ID, client address,
// result and time range (at most TRACE_MAX_RANGE_DAYS), newest first, one page
// at a time. The admin page, the API and `yubin trace` all come here.
//
// Each search is driven by the most selective index it has (recipient and
// time; Message-ID; sender and time; client address and time; else time),
// each a statement of its own, so that a prepared statement's generic plan
// still uses that index; the other filters only narrow what it finds. The
// subject has no index of its own (a trigram index on it was the largest part
// of what tracing cost the MX: docs/benchmarks.md): it rides, with the result and
// kind, in the time index's leaf tuples, so a search by subject reads the time
// range newest first from that index alone and stops at a full page.
import { isIP } from "node:net";
import { SqlText, sql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { TRACE_MAX_RANGE_DAYS, TRACE_PAGE_SIZE } from "../limits.ts";
import { TRACE_RESULTS, type TraceKind, type TraceResult } from "./trace-record.ts";

export interface TraceQuery {
  sender?: string;
  recipient?: string;
  /** Any part of the subject. */
  subject?: string;
  messageId?: string;
  clientAddress?: string;
  /**
   * One term for sender, recipient or Message-ID alike (`yubin trace QUERY`):
   * an IP address means the client address; a term without "@" is looked
   * for in subjects.
   */
  any?: string;
  result?: TraceResult;
  kind?: TraceKind;
  since: Date;
  until: Date;
  /** The last row of the previous page. */
  after?: TraceCursor;
  limit?: number;
}

export interface TraceCursor {
  startedAt: Date;
  id: number;
}

export interface TraceSummary {
  id: number;
  kind: TraceKind;
  result: TraceResult;
  startedAt: Date;
  clientAddress: string | null;
  clientName: string | null;
  authUser: string | null;
  mailFrom: string | null;
  recipients: string[];
  subject: string | null;
  messageIdHeader: string | null;
  replyCode: number | null;
  replyText: string | null;
  remoteHost: string | null;
  attempt: number | null;
}

const DAY_MS = 24 * 3600_000;

const bare = (text: string) => text.trim().replace(/^<|>$/g, "").trim();

function address(text: string | undefined, what: string): string | null {
  if (text === undefined || text.trim() === "") return null;
  const value = bare(text).toLowerCase();
  if (value.length > 320 || /\s/.test(value)) throw new InputError(`The ${what} is not an email address.`);
  return value;
}

function messageId(text: string | undefined): string | null {
  if (text === undefined || text.trim() === "") return null;
  const value = bare(text);
  if (value.length > 998 || /\s/.test(value)) throw new InputError("The Message-ID is not valid.");
  return value;
}

function clientAddress(text: string | undefined): string | null {
  if (text === undefined || text.trim() === "") return null;
  const value = bare(text).replace(/^\[|\]$/g, "");
  if (isIP(value) === 0) throw new InputError("The client address must be an IP address.");
  return value.toLowerCase();
}

/** The filters of a query, checked and normalised: what a bad one is told is the same for the CLI, the API and the page. */
export function normalizeTraceQuery(query: TraceQuery) {
  const { since, until } = query;
  // Also a year PostgreSQL cannot store (JavaScript dates reach year 275760).
  const storable = (d: Date) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999;
  if (!storable(since) || !storable(until)) throw new InputError("The time range is not valid.");
  // The same words as the audit log's search (server/audit/search-audit.ts): one translation serves both.
  if (until.getTime() <= since.getTime()) throw new InputError("The time range ends before it starts.");
  if (until.getTime() - since.getTime() > TRACE_MAX_RANGE_DAYS * DAY_MS) {
    throw new InputError(`The time range may span at most ${TRACE_MAX_RANGE_DAYS} days.`);
  }
  if (query.result !== undefined && !TRACE_RESULTS.includes(query.result)) {
    throw new InputError("The result must be delivered, rejected, deferred, bounced or abandoned.");
  }
  const subject = query.subject?.trim() ? query.subject.trim() : null;
  if (subject && subject.length > 500) throw new InputError("The subject to search for is too long.");
  const any = query.any?.trim() ? query.any.trim() : null;
  if (any && any.length > 998) throw new InputError("The search term is too long.");
  return {
    since,
    until,
    sender: address(query.sender, "sender"),
    recipient: address(query.recipient, "recipient"),
    subject,
    messageId: messageId(query.messageId),
    clientAddress: clientAddress(query.clientAddress),
    any,
    result: query.result ?? null,
    kind: query.kind ?? null,
  };
}

type Filters = ReturnType<typeof normalizeTraceQuery>;

interface Row extends Omit<TraceSummary, "id"> {
  id: bigint;
}

export async function searchTraces(
  query: TraceQuery,
): Promise<{ items: TraceSummary[]; nextCursor: TraceCursor | null }> {
  const limit = Math.min(Math.max(query.limit ?? TRACE_PAGE_SIZE, 1), 200);
  const filters = normalizeTraceQuery(query);
  let rows: Row[];
  if (filters.any) {
    const term = filters.any;
    if (isIP(bare(term).replace(/^\[|\]$/g, "")) !== 0) {
      rows = await run({ ...filters, any: null, clientAddress: clientAddress(term) }, query.after, limit);
    } else if (term.includes("@")) {
      // An address or a Message-ID: each by its own index, merged newest first.
      const lower = bare(term).toLowerCase();
      const found = await Promise.all([
        run({ ...filters, any: null, sender: lower }, query.after, limit),
        run({ ...filters, any: null, recipient: lower }, query.after, limit),
        run({ ...filters, any: null, messageId: bare(term) }, query.after, limit),
      ]);
      const byId = new Map(found.flat().map((r) => [r.id, r]));
      rows = [...byId.values()]
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || Number(b.id - a.id))
        .slice(0, limit);
    } else {
      rows = await run({ ...filters, any: null, subject: term }, query.after, limit);
    }
  } else {
    rows = await run(filters, query.after, limit);
  }
  const items = rows.map(({ id, ...r }) => ({ ...r, id: Number(id) }));
  const last = items.at(-1);
  return { items, nextCursor: items.length === limit && last ? { startedAt: last.startedAt, id: last.id } : null };
}

/** A TraceSummary's columns, which every search returns. */
const SUMMARY_COLUMNS = new SqlText(`t.id, t.kind, t.result, t."startedAt", t."clientAddress", t."clientName",
  t."authUser", t."mailFrom", t.recipients, t.subject, t."messageIdHeader", t."replyCode", t."replyText",
  t."remoteHost", t.attempt`);

// The indexed predicate a search starts from (the value follows it as a
// parameter, then its cast); a constant truth when only the time range narrows it.
const BY_MESSAGE_ID = new SqlText(`t."messageIdHeader" =`);
const BY_SENDER = new SqlText(`t."mailFrom" =`);
const BY_CLIENT = new SqlText(`t."clientAddress" =`);
const BY_RESULT = new SqlText(`t.result =`);
const BY_TIME = new SqlText(`'' =`);
const AS_TEXT = new SqlText("::text");
const AS_RESULT = new SqlText(`::"TraceResult"`);

async function run(f: Filters, after: TraceCursor | undefined, limit: number): Promise<Row[]> {
  const afterAt = after?.startedAt ?? null;
  const afterId = after ? BigInt(after.id) : null;
  if (f.recipient) {
    return sql.$queryRaw<Row[]>`
      select ${SUMMARY_COLUMNS}
      from "MessageTraceRecipient" r join "MessageTrace" t on t.id = r."traceId"
      where r.address = ${f.recipient} and r."startedAt" >= ${f.since} and r."startedAt" < ${f.until}
        and (${f.sender}::text is null or t."mailFrom" = ${f.sender}::text)
        and (${f.messageId}::text is null or t."messageIdHeader" = ${f.messageId}::text)
        and (${f.clientAddress}::text is null or t."clientAddress" = ${f.clientAddress}::text)
        and (${f.subject}::text is null or strpos(lower(t.subject), lower(${f.subject}::text)) > 0)
        and (${f.result}::text is null or t.result::text = ${f.result}::text)
        and (${f.kind}::text is null or t.kind::text = ${f.kind}::text)
        and (${afterAt}::timestamptz is null or (r."startedAt", r."traceId") < (${afterAt}::timestamptz, ${afterId}::bigint))
      order by r."startedAt" desc, r."traceId" desc
      limit ${limit}::int`;
  }
  if (f.subject && !f.messageId && !f.sender && !f.clientAddress) {
    // From "MessageTrace_startedAt_id_subject_sql" alone (an index-only scan): the page's ids, then their rows.
    return sql.$queryRaw<Row[]>`
      with page as materialized (
        select t.id from "MessageTrace" t
        where t."startedAt" >= ${f.since} and t."startedAt" < ${f.until} and strpos(lower(t.subject), lower(${f.subject}::text)) > 0
          and (${f.result}::text is null or t.result::text = ${f.result}::text)
          and (${f.kind}::text is null or t.kind::text = ${f.kind}::text)
          and (${afterAt}::timestamptz is null or (t."startedAt", t.id) < (${afterAt}::timestamptz, ${afterId}::bigint))
        order by t."startedAt" desc, t.id desc
        limit ${limit}::int)
      select ${SUMMARY_COLUMNS}
      from page join "MessageTrace" t on t.id = page.id
      order by t."startedAt" desc, t.id desc`;
  }
  const [predicate, value, cast] = f.messageId
    ? [BY_MESSAGE_ID, f.messageId, AS_TEXT]
    : f.sender
      ? [BY_SENDER, f.sender, AS_TEXT]
      : f.clientAddress
        ? [BY_CLIENT, f.clientAddress, AS_TEXT]
        : f.result
          ? [BY_RESULT, f.result, AS_RESULT]
          : [BY_TIME, "", AS_TEXT];
  return sql.$queryRaw<Row[]>`
    select ${SUMMARY_COLUMNS}
    from "MessageTrace" t
    where ${predicate} ${value}${cast} and t."startedAt" >= ${f.since} and t."startedAt" < ${f.until}
      and (${f.sender}::text is null or t."mailFrom" = ${f.sender}::text)
      and (${f.messageId}::text is null or t."messageIdHeader" = ${f.messageId}::text)
      and (${f.clientAddress}::text is null or t."clientAddress" = ${f.clientAddress}::text)
      and (${f.subject}::text is null or strpos(lower(t.subject), lower(${f.subject}::text)) > 0)
      and (${f.result}::text is null or t.result::text = ${f.result}::text)
      and (${f.kind}::text is null or t.kind::text = ${f.kind}::text)
      and (${afterAt}::timestamptz is null or (t."startedAt", t.id) < (${afterAt}::timestamptz, ${afterId}::bigint))
    order by t."startedAt" desc, t.id desc
    limit ${limit}::int`;
}
