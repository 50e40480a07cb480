// SQL conditions on ONE item of a conversation — a message (alias m) or a note
// (alias n): every text term found (through the token index, then verified by
// a substring check on the normalised field), the dates and has:attachment.
import { Prisma } from "../db.ts";
import { startOfDay, validTimeZone } from "./day-start.ts";
import type { SearchTerm, TextField } from "./parse-query.ts";
import { indexDecides, type TextTerm } from "./term-tsquery.ts";

/**
 * A text as NFKC, as the query is normalised. PostgreSQL's normalize() does the whole decomposition
 * and composition even for text already in NFKC (at 1M, ~19 µs for a 125-character Japanese body);
 * its quick check (`is nfkc normalized`, ~7 µs) says so for nearly every mail, which then is used
 * as it is: the same text, for a third of the time.
 */
const nfkc = (text: Prisma.Sql) =>
  Prisma.sql`(case when ${text} is nfkc normalized then ${text} else normalize(${text}, NFKC) end)`;

// The texts a term is verified against, normalised the same way as the query (NFKC, lower case).
// Free text is the subject, these, and the body.
const NAMES_ADDRESSES_ATTACHMENTS = Prisma.sql`m."fromName", m."fromAddress", m."toAddresses"::text,
    m."ccAddresses"::text, jsonb_path_query_array(m.attachments, '$[*].filename')::text`;
const MESSAGE_FIELD: Record<TextField, Prisma.Sql> = {
  any: Prisma.sql`lower(${nfkc(Prisma.sql`concat_ws(' ', m.subject, ${NAMES_ADDRESSES_ATTACHMENTS}, m."textBody")`)})`,
  from: Prisma.sql`lower(${nfkc(Prisma.sql`concat_ws(' ', m."fromName", m."fromAddress")`)})`,
  to: Prisma.sql`lower(${nfkc(Prisma.sql`concat_ws(' ', m."toAddresses"::text, m."ccAddresses"::text)`)})`,
  subject: Prisma.sql`lower(${nfkc(Prisma.sql`m.subject`)})`,
};
const NOTE_TEXT = Prisma.sql`lower(${nfkc(Prisma.sql`n.body`)})`;

/**
 * Whether a message's field contains the (normalised) term. For free text and a term without white
 * space, field by field, body and subject first, which is the same answer — such a term cannot span
 * the space that joins the fields in MESSAGE_FIELD.any, and NFKC composes nothing across a space — for
 * less work: a term found in the body, as most are, never normalises the addresses' and attachment
 * names' JSON (at 1M messages, `請求書 -お願い`'s walk: 85 → 45 ms).
 */
function messageFieldContains(field: TextField, value: string): Prisma.Sql {
  if (field !== "any" || /\s/u.test(value)) return Prisma.sql`strpos(${MESSAGE_FIELD[field]}, ${value}) > 0`;
  return Prisma.sql`(strpos(lower(${nfkc(Prisma.sql`coalesce(m."textBody", '')`)}), ${value}) > 0
    or strpos(lower(${nfkc(Prisma.sql`m.subject`)}), ${value}) > 0
    or strpos(lower(${nfkc(Prisma.sql`concat_ws(' ', ${NAMES_ADDRESSES_ATTACHMENTS})`)}), ${value}) > 0)`;
}

export interface ItemConditions {
  after: Date | null;
  before: Date | null;
  hasAttachment: boolean;
}

export const NO_ITEM_CONDITIONS: ItemConditions = { after: null, before: null, hasAttachment: false };

/** The query's dates (days in `timeZone`; the narrowest range wins) and has:attachment. */
export function itemConditions(terms: SearchTerm[], timeZone: string | null | undefined): ItemConditions {
  const zone = validTimeZone(timeZone);
  const dayStart = (kind: "before" | "after") =>
    terms.flatMap((t) => (t.kind === kind ? [startOfDay(t.date, zone).getTime()] : []));
  const afters = dayStart("after");
  const befores = dayStart("before");
  return {
    after: afters.length ? new Date(Math.max(...afters)) : null,
    before: befores.length ? new Date(Math.min(...befores)) : null,
    hasAttachment: terms.some((t) => t.kind === "has_attachment" && !t.negated),
  };
}

/**
 * How a condition on a search vector is written. "index": so that the GIN index can answer it.
 * "probe": inside a per-conversation probe, where the planner must walk the conversation's own few
 * rows — coalesce() hides the column from the GIN index, whose row estimate for an AND of common
 * CJK bigrams (e.g. パスワード) is far too low and would otherwise scan the posting lists per probe.
 */
export type VectorUse = "index" | "probe";

function vectorMatches(column: Prisma.Sql, tsquery: string, use: VectorUse): Prisma.Sql {
  return use === "index"
    ? Prisma.sql`${column} @@ ${tsquery}::tsquery`
    : Prisma.sql`coalesce(${column}, ''::tsvector) @@ ${tsquery}::tsquery`;
}

/** Conditions on one message: all terms found (index, then substring) and the item conditions. */
export function messageMatch(
  terms: TextTerm[],
  item: ItemConditions,
  tsquery: string | null,
  use: VectorUse,
): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (tsquery) parts.push(vectorMatches(Prisma.sql`m."searchVector"`, tsquery, use));
  for (const t of terms) {
    if (!(tsquery && indexDecides(t))) parts.push(messageFieldContains(t.field, t.value));
  }
  if (item.after) parts.push(Prisma.sql`m."internalDate" >= ${item.after}`);
  if (item.before) parts.push(Prisma.sql`m."internalDate" < ${item.before}`);
  if (item.hasAttachment) parts.push(Prisma.sql`m."hasAttachments"`);
  return parts.length ? Prisma.join(parts, " and ") : Prisma.sql`true`;
}

/** Conditions on one note: free text and dates only (a note has no fields or attachments). */
export function noteMatch(terms: TextTerm[], item: ItemConditions, tsquery: string | null, use: VectorUse): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (tsquery) parts.push(vectorMatches(Prisma.sql`n."searchVector"`, tsquery, use));
  for (const t of terms)
    if (!(tsquery && indexDecides(t))) parts.push(Prisma.sql`strpos(${NOTE_TEXT}, ${t.value}) > 0`);
  if (item.after) parts.push(Prisma.sql`n."createdAt" >= ${item.after}`);
  if (item.before) parts.push(Prisma.sql`n."createdAt" < ${item.before}`);
  return parts.length ? Prisma.join(parts, " and ") : Prisma.sql`true`;
}
