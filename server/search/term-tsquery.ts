// A search term as a tsquery over the token index (tokens.ts): the AND of its
// tokens, the last word a prefix. The index only narrows the candidates; the
// SQL verifies each one by a substring check unless indexDecides() says the
// index alone is exact.

import { MAX_SEARCH_WORD } from "../limits.ts";
import type { SearchTerm, TextField } from "./parse-query.ts";
import { bigrams, normalizeText, textRuns } from "./tokens.ts";

export type TextTerm = Extract<SearchTerm, { kind: "text" }>;

/** Prefixes shorter than this are dropped from a term that has other tokens. */
const SHORT_PREFIX = 4;

/** tsquery text for one term: the AND of its tokens, the last word as a prefix. */
export function termTsquery(value: string): string | null {
  const runs = textRuns(normalizeText(value));
  const parts: string[] = [];
  runs.forEach((run, i) => {
    const last = i === runs.length - 1;
    if (run.kind === "cjk") {
      const grams = bigrams(run.text);
      // A lone character: the bigrams that start with it (and a one-character run).
      if (grams.length === 1 && Array.from(run.text).length === 1) parts.push(`${quoteLexeme(run.text)}:*`);
      else for (const g of grams) parts.push(quoteLexeme(g));
    } else {
      const chars = Array.from(run.text);
      const word = chars.length > MAX_SEARCH_WORD ? chars.slice(0, MAX_SEARCH_WORD).join("") : run.text;
      parts.push(last || chars.length > MAX_SEARCH_WORD ? `${quoteLexeme(word)}:*` : quoteLexeme(word));
    }
  });
  let unique = [...new Set(parts)];
  // A short prefix (the "com" of "alice@example.com") matches a great many words, which the GIN index
  // collects one by one; when the term has other tokens, leave it to the substring check.
  const short = (part: string) => part.endsWith(":*") && Array.from(part).length < SHORT_PREFIX + 4;
  if (unique.some((p) => !short(p))) unique = unique.filter((p) => !short(p));
  return unique.length ? unique.join(" & ") : null;
}

/** The AND of every term's tsquery; null when no term has a token. */
export function allTsquery(terms: TextTerm[]): string | null {
  const parts = terms.map((t) => termTsquery(t.value)).filter((q): q is string => q !== null);
  return parts.length ? parts.join(" & ") : null;
}

/**
 * True when the index alone decides the term: free text that is one word (of
 * at most MAX_SEARCH_WORD characters) or one CJK bigram or character. Its only token
 * comes from the same normalised fields, so a row the index returns contains
 * the term; the substring check (the costly part on common words) is skipped.
 */
export function indexDecides(term: { field: TextField; value: string }): boolean {
  if (term.field !== "any") return false;
  const runs = textRuns(term.value);
  const only = runs[0];
  if (runs.length !== 1 || !only || only.text !== term.value) return false;
  return only.kind === "cjk" ? Array.from(only.text).length <= 2 : Array.from(only.text).length <= MAX_SEARCH_WORD;
}

function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}
