// The search box's language, parsed without touching the database:
//
//   from:tanaka subject:"請求書 再発行" -status:closed has:attachment after:2026-11-01 請求
//
// Items are separated by white space (the ideographic space U+3000 too). An
// item is a word, a "quoted phrase" (also “…”), or operator:value where the
// value may be quoted; a leading "-" negates it. Operators are recognised only
// in ASCII ("ｆｒｏｍ：x" is text); values and text are NFKC-normalised and
// lower-cased, so full-width and half-width forms match each other.
// Mistakes (an unknown operator, a bad date or status) throw an InputError
// whose message is shown under the search box.
import { InputError } from "../errors.ts";
import { MAX_QUERY_CHARS, MAX_SEARCH_TERMS } from "../limits.ts";
import { normalizeText, textRuns } from "./tokens.ts";

export const STATUSES = ["open", "pending", "closed", "spam", "snoozed"] as const;
export type SearchStatus = (typeof STATUSES)[number];

export type TextField = "any" | "from" | "to" | "subject";

export type SearchTerm =
  /** Text that must occur (as a substring, after normalisation) in the field; "any" covers every field and notes. */
  | { kind: "text"; field: TextField; value: string; negated: boolean }
  | { kind: "status"; value: SearchStatus; negated: boolean }
  | { kind: "assignee"; value: { me: true } | { none: true } | { email: string }; negated: boolean }
  | { kind: "tag"; value: string; negated: boolean }
  | { kind: "mailbox"; value: string; negated: boolean }
  | { kind: "has_attachment"; negated: boolean }
  /** A calendar day, YYYY-MM-DD: before = earlier than that day, after = on or after it. */
  | { kind: "before" | "after"; date: string; negated: false };

export interface SearchQuery {
  terms: SearchTerm[];
}

export const OPERATORS = [
  "from",
  "to",
  "subject",
  "status",
  "assignee",
  "tag",
  "mailbox",
  "has",
  "before",
  "after",
] as const;
type Operator = (typeof OPERATORS)[number];

const OPEN_QUOTES = new Set(['"', "“", "”", "＂"]);
const CLOSE_FOR: Record<string, string[]> = { '"': ['"', "”"], "“": ["”", '"'], "”": ["”", '"'], "＂": ["＂", '"'] };

interface RawItem {
  negated: boolean;
  operator: string | null;
  value: string;
  quoted: boolean;
}

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/** Splits the query into items, honouring quotes. An unclosed quote runs to the end. */
function lex(input: string): RawItem[] {
  const items: RawItem[] = [];
  const chars = Array.from(input);
  let i = 0;
  const readQuoted = (open: string): string => {
    const closers = CLOSE_FOR[open] ?? ['"'];
    let out = "";
    i++; // the opening quote
    while (i < chars.length && !closers.includes(chars[i] as string)) out += chars[i++];
    i++; // the closing quote (or past the end)
    return out;
  };
  const readBare = (): string => {
    let out = "";
    while (i < chars.length && !isSpace(chars[i] as string)) out += chars[i++];
    return out;
  };
  while (i < chars.length) {
    const ch = chars[i] as string;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    let negated = false;
    if (ch === "-" && i + 1 < chars.length && !isSpace(chars[i + 1] as string)) {
      negated = true;
      i++;
    }
    const start = chars[i] as string;
    if (OPEN_QUOTES.has(start)) {
      items.push({ negated, operator: null, value: readQuoted(start), quoted: true });
      continue;
    }
    // operator:value — an ASCII name directly followed by ":".
    const rest = chars.slice(i, i + 20).join("");
    const op = /^([A-Za-z]+):/.exec(rest);
    if (op?.[1]) {
      i += op[0].length;
      const next = chars[i];
      if (next !== undefined && OPEN_QUOTES.has(next)) {
        items.push({ negated, operator: op[1].toLowerCase(), value: readQuoted(next), quoted: true });
      } else {
        items.push({ negated, operator: op[1].toLowerCase(), value: readBare(), quoted: false });
      }
      continue;
    }
    items.push({ negated, operator: null, value: readBare(), quoted: false });
  }
  return items;
}

/** A search value as it is compared: NFKC, lower case, white space collapsed. */
export function normalizeTerm(value: string): string {
  return normalizeText(value).replace(/\s+/gu, " ").trim();
}

function parseDate(operator: string, value: string): string {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(value.normalize("NFKC").trim());
  const bad = () =>
    new InputError(`${operator}: needs a date written as YYYY-MM-DD (for example ${operator}:2026-11-01)`);
  if (!m) throw bad();
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1970 || year > 9999 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new InputError(`${operator}:${value} is not a date in the calendar`);
  }
  return `${m[1]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function hasSearchableText(value: string): boolean {
  return textRuns(value).length > 0;
}

function operatorTerm(item: RawItem & { operator: string }): SearchTerm | null {
  const { negated } = item;
  const operator = item.operator as Operator;
  const value = normalizeTerm(item.value);
  if (!(OPERATORS as readonly string[]).includes(operator)) {
    throw new InputError(
      `Unknown operator "${item.operator}:". Use ${OPERATORS.map((o) => `${o}:`).join(", ")} — or put the text in quotes to search for it as it is.`,
    );
  }
  if (!value) throw new InputError(`${operator}: needs a value, e.g. ${example(operator)}`);
  switch (operator) {
    case "from":
    case "to":
    case "subject":
      if (!hasSearchableText(value)) throw new InputError(`${operator}: needs letters or digits to search for`);
      return { kind: "text", field: operator, value, negated };
    case "status": {
      if (!(STATUSES as readonly string[]).includes(value)) {
        throw new InputError(`status: is one of ${STATUSES.join(", ")} (not "${item.value}")`);
      }
      return { kind: "status", value: value as SearchStatus, negated };
    }
    case "assignee": {
      if (value === "me") return { kind: "assignee", value: { me: true }, negated };
      if (value === "none" || value === "nobody") return { kind: "assignee", value: { none: true }, negated };
      if (/^[^\s@]+@[^\s@]+$/.test(value)) return { kind: "assignee", value: { email: value }, negated };
      throw new InputError(`assignee: takes me, none or a member's email address (not "${item.value}")`);
    }
    case "tag":
      return { kind: "tag", value, negated };
    case "mailbox":
      return { kind: "mailbox", value, negated };
    case "has":
      if (value !== "attachment" && value !== "attachments") {
        throw new InputError(`has: only knows has:attachment (not "has:${item.value}")`);
      }
      return { kind: "has_attachment", negated };
    case "before":
    case "after":
      if (negated) {
        throw new InputError(
          `-${operator}: is not supported; use ${operator === "before" ? "after" : "before"}: instead`,
        );
      }
      return { kind: operator, date: parseDate(operator, item.value), negated: false };
  }
}

function example(operator: Operator): string {
  return {
    from: "from:tanaka@example.jp",
    to: "to:support",
    subject: 'subject:"請求書 再発行"',
    status: "status:open",
    assignee: "assignee:me",
    tag: "tag:vip",
    mailbox: "mailbox:support@example.com",
    has: "has:attachment",
    before: "before:2026-12-01",
    after: "after:2026-11-01",
  }[operator];
}

/**
 * Parses a query typed in the search box. Throws InputError with a message
 * for the person typing. Text without letters or digits (punctuation alone)
 * is dropped: nothing could be looked up for it.
 */
export function parseSearchQuery(input: string): SearchQuery {
  if (input.length > MAX_QUERY_CHARS) throw new InputError(`a search has at most ${MAX_QUERY_CHARS} characters`);
  const terms: SearchTerm[] = [];
  for (const item of lex(input)) {
    let term: SearchTerm | null;
    if (item.operator !== null && !looksLikeText(item)) {
      term = operatorTerm(item as RawItem & { operator: string });
    } else {
      const value = normalizeTerm(item.operator !== null ? `${item.operator}:${item.value}` : item.value);
      term = hasSearchableText(value) ? { kind: "text", field: "any", value, negated: item.negated } : null;
    }
    if (term) terms.push(term);
  }
  if (terms.length > MAX_SEARCH_TERMS) throw new InputError(`a search has at most ${MAX_SEARCH_TERMS} terms`);
  return { terms };
}

/** "https://…" and "Re: …" (an unknown name with nothing after the colon) are text, not an unknown operator. */
function looksLikeText(item: RawItem): boolean {
  if (item.quoted) return false;
  if (item.value.startsWith("//")) return true;
  return item.value === "" && !(OPERATORS as readonly string[]).includes(item.operator ?? "");
}

/** True when the query has nothing to match on (the page then shows its hint, not every conversation). */
export function isEmptyQuery(query: SearchQuery): boolean {
  return query.terms.length === 0;
}
