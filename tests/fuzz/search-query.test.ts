// The search box's language (server/search/parse-query.ts) against random
// input: every query is answered — terms, or an InputError for the person
// typing — in bounded time, within the term limit, and a parsed query written
// back as text parses to the same terms. The tsquery built from a term
// (term-tsquery.ts) quotes every lexeme, whatever the term holds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../server/errors.ts";
import { MAX_QUERY_CHARS, MAX_SEARCH_TERMS } from "../../server/limits.ts";
import {
  normalizeTerm,
  OPERATORS,
  parseSearchQuery,
  type SearchQuery,
  type SearchTerm,
  STATUSES,
} from "../../server/search/parse-query.ts";
import { termTsquery } from "../../server/search/term-tsquery.ts";
import { BOUNDED_MS, corpusLines, fuzzParameters } from "./support/fuzz.ts";

const corpus = corpusLines("search", "queries.txt");

/** Parses, or returns the InputError; anything else thrown fails the property. */
function parseOrRefuse(query: string): SearchQuery | InputError {
  try {
    return parseSearchQuery(query);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
}

/** Everything a parse result promises, for any input. */
function checkAnswer(query: string): SearchQuery | InputError {
  const started = performance.now();
  const answer = parseOrRefuse(query);
  expect(performance.now() - started).toBeLessThan(BOUNDED_MS);
  if (query.length > MAX_QUERY_CHARS) expect(answer).toBeInstanceOf(InputError);
  if (answer instanceof InputError) {
    expect(answer.message.length).toBeGreaterThan(0);
    return answer;
  }
  expect(answer.terms.length).toBeLessThanOrEqual(MAX_SEARCH_TERMS);
  for (const term of answer.terms) checkTerm(term);
  // Deterministic: the same text, the same terms.
  expect(parseOrRefuse(query)).toEqual(answer);
  return answer;
}

function checkTerm(term: SearchTerm): void {
  switch (term.kind) {
    case "text":
      expect(term.value).not.toBe("");
      expect(normalizeTerm(term.value)).toBe(term.value);
      checkTsquery(termTsquery(term.value));
      break;
    case "tag":
    case "mailbox":
      expect(term.value).not.toBe("");
      expect(normalizeTerm(term.value)).toBe(term.value);
      break;
    case "status":
      expect(STATUSES).toContain(term.value);
      break;
    case "before":
    case "after": {
      expect(term.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${term.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(term.date);
      break;
    }
    case "assignee":
      if ("email" in term.value) expect(term.value.email).toMatch(/^[^\s@]+@[^\s@]+$/);
      break;
    case "has_attachment":
      break;
  }
}

/** A tsquery of quoted lexemes joined by "&": nothing a term holds can become tsquery syntax. */
function checkTsquery(tsquery: string | null): void {
  if (tsquery === null) return;
  for (const part of tsquery.split(" & ")) expect(part).toMatch(/^'(?:[^'\\]|''|\\\\)+'(?::\*)?$/u);
}

const QUOTES = /["“”＂]/;

/** A term written back as search text, or null when its value cannot be written in quotes. */
function writeTerm(term: SearchTerm): string | null {
  const sign = term.negated ? "-" : "";
  const quoted = (value: string) => (QUOTES.test(value) ? null : `"${value}"`);
  const operator = (name: string, value: string) => {
    const text = quoted(value);
    return text === null ? null : `${sign}${name}:${text}`;
  };
  switch (term.kind) {
    case "text": {
      if (term.field !== "any") return operator(term.field, term.value);
      const text = quoted(term.value);
      return text === null ? null : `${sign}${text}`;
    }
    case "tag":
    case "mailbox":
      return operator(term.kind, term.value);
    case "status":
      return `${sign}status:${term.value}`;
    case "assignee":
      if ("me" in term.value) return `${sign}assignee:me`;
      if ("none" in term.value) return `${sign}assignee:none`;
      return operator("assignee", term.value.email);
    case "has_attachment":
      return `${sign}has:attachment`;
    case "before":
    case "after":
      return `${term.kind}:${term.date}`;
  }
}

const SPACES = [" ", "  ", "\u3000", "\t", "\n", "\u00a0"];
const TOKENS = [
  ...OPERATORS.map((o) => `${o}:`),
  ...OPERATORS.map((o) => `-${o}:`),
  "FROM:",
  "ｆｒｏｍ：",
  "foo:",
  "https://",
  "Re:",
  '"',
  "“",
  "”",
  "＂",
  "-",
  "--",
  ":",
  "me",
  "none",
  "nobody",
  "attachment",
  "open",
  "CLOSED",
  "snoozed",
  "2026-11-01",
  "２０２６-１１-０１",
  "2026/2/30",
  "0000-00-00",
  "99999-1-1",
  "tanaka@example.jp",
  "@",
  "請求書",
  "再発行",
  "ｶﾀｶﾅ",
  "ＡＢＣ",
  "invoice",
  "'",
  "\\",
  "&",
  "|",
  "!",
  "(",
  ")",
  ":*",
  "İ",
  "ß",
  "ﬁ",
  "\u0000",
  "\u200b",
  "😀",
  "\ud800",
];

/** Query-shaped text: operators, quotes, dates and scripts, glued with and without spaces. */
const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS, ...SPACES), fc.constantFrom("", "", ...SPACES)), { maxLength: 40 })
  .map((pairs) => pairs.map(([token, space]) => token + space).join(""));

const anyText = fc.oneof(
  fc.string({ maxLength: 200, unit: "grapheme" }),
  fc.string({ maxLength: 200, unit: "binary" }),
  fc.string({ minLength: MAX_QUERY_CHARS - 5, maxLength: MAX_QUERY_CHARS + 5 }),
);

describe("search query parser fuzzing", () => {
  it("replays the seed corpus (tests/fuzz/corpus/search/queries.txt)", () => {
    expect(corpus.length).toBeGreaterThan(20);
    for (const query of corpus) checkAnswer(query);
  });

  it("answers any text with terms or an InputError, in bounded time, within the limits", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, tokenSoup), (query) => {
        checkAnswer(query);
      }),
      fuzzParameters(
        1500,
        corpus.map((query) => [query]),
      ),
    );
  });

  it("a parsed query written back as text parses to the same terms", () => {
    fc.assert(
      fc.property(fc.oneof(tokenSoup, fc.string({ maxLength: 120, unit: "grapheme" })), (query) => {
        const answer = parseOrRefuse(query);
        if (answer instanceof InputError) return;
        const written = answer.terms.map(writeTerm);
        if (written.some((text) => text === null)) return;
        const text = written.join(" ");
        if (text.length > MAX_QUERY_CHARS) return;
        expect(parseSearchQuery(text).terms).toEqual(answer.terms);
      }),
      fuzzParameters(
        1500,
        corpus.map((query) => [query]),
      ),
    );
  });

  it("pathological queries stay fast: many quotes, long words, many terms", () => {
    const cases = [
      '"'.repeat(MAX_QUERY_CHARS),
      "-".repeat(MAX_QUERY_CHARS),
      "a:".repeat(MAX_QUERY_CHARS / 2),
      "請".repeat(MAX_QUERY_CHARS),
      "x ".repeat(MAX_QUERY_CHARS / 2),
      `from:"${"a ".repeat(498)}`,
      "😀".repeat(MAX_QUERY_CHARS / 2),
    ];
    for (const query of cases) {
      const started = performance.now();
      checkAnswer(query);
      expect(performance.now() - started, query.slice(0, 20)).toBeLessThan(BOUNDED_MS);
    }
  });
});
