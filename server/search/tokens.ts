// Search tokens, pg_bigm-style (pg_bigm and PGroonga are not available; see
// TOOLCHAIN.md). Text is NFKC-normalised and lower-cased, then:
//   - a run of CJK characters (Han, Hiragana, Katakana — half-width ones
//     become full-width under NFKC — Hangul, and the prolonged sound mark ー)
//     gives every overlapping 2-character bigram, or the character itself for
//     a run of one, so that Japanese written without spaces is found by any
//     substring of two or more characters;
//   - any other run of letters and digits is a word;
//   - an e-mail address also gives itself whole, its local part and domain.
// The tokens are stored with array_to_tsvector(), so PostgreSQL keeps them as
// they are (no parser, no stemming), and queries are built from the same
// function (server/search/parse-query.ts → term-tsquery.ts). The index
// only narrows the candidates: every match is verified by a substring check.
import type { RawSql } from "../db/raw-sql.ts";
import { MAX_INDEXED_CHARS, MAX_SEARCH_TOKEN_BYTES, MAX_SEARCH_WORD } from "../limits.ts";
import type { ParsedMessage } from "../mime/parse-message.ts";

const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30FC\\u3005\\u3006\\u30F6";
/** A CJK run, or a run of other letters, marks and digits. */
const RUN = new RegExp(`([${CJK}]+)|([[\\p{L}\\p{M}\\p{N}]--[${CJK}]]+)`, "gv");
const CJK_ONLY = new RegExp(`^[${CJK}]+$`, "v");
// Plain ASCII (most mail bodies) takes a fast path with the same result:
// NFKC leaves it unchanged, and its letters and digits are exactly [a-z0-9].
const ASCII = /^\p{ASCII}*$/u;
const ASCII_WORD = /[a-z0-9]+/g;
const WHITESPACE = /\s/;

/** The form both the index and the verification compare: NFKC, lower case. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

export function isCjk(text: string): boolean {
  return CJK_ONLY.test(text);
}

/** One token of a text: a word, or a CJK bigram (or lone CJK character). */
export interface TextRun {
  kind: "cjk" | "word";
  text: string;
}

/** The runs of already-normalised text, in order. */
export function textRuns(normalized: string): TextRun[] {
  const runs: TextRun[] = [];
  for (const m of normalized.matchAll(RUN)) {
    if (m[1]) runs.push({ kind: "cjk", text: m[1] });
    else if (m[2]) runs.push({ kind: "word", text: m[2] });
  }
  return runs;
}

/** The bigrams of a CJK run (code points, not UTF-16 units), or the run itself when it has one character. */
export function bigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/** Collects tokens into a set, stopping before the tsvector would grow too large. */
export class TokenSet {
  readonly tokens = new Set<string>();
  private bytes = 0;

  add(token: string): void {
    // No whitespace: the store passes the tokens as one space-separated string.
    if (!token || this.tokens.has(token) || this.bytes > MAX_SEARCH_TOKEN_BYTES || WHITESPACE.test(token)) return;
    this.tokens.add(token);
    this.bytes += Buffer.byteLength(token) + 6;
  }

  addText(text: string | null | undefined): void {
    if (!text) return;
    const bounded = text.length > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS) : text;
    if (ASCII.test(bounded)) {
      for (const [word] of bounded.toLowerCase().matchAll(ASCII_WORD)) this.add(word.slice(0, MAX_SEARCH_WORD));
      return;
    }
    const normalized = normalizeText(bounded);
    for (const m of normalized.matchAll(RUN)) {
      if (m[1]) {
        const chars = Array.from(m[1]);
        if (chars.length === 1) this.add(m[1]);
        else for (let i = 0; i + 1 < chars.length; i++) this.add(`${chars[i]}${chars[i + 1]}`);
      } else if (m[2]) {
        this.add(m[2].length > MAX_SEARCH_WORD ? Array.from(m[2]).slice(0, MAX_SEARCH_WORD).join("") : m[2]);
      }
    }
  }

  addAddress(address: string | null | undefined, name?: string | null): void {
    this.addText(name);
    if (!address) return;
    const normalized = normalizeText(address).trim();
    if (normalized.length <= 254) {
      const at = normalized.lastIndexOf("@");
      this.add(normalized);
      if (at > 0) {
        this.add(normalized.slice(0, at));
        this.add(normalized.slice(at + 1));
      }
    }
    this.addText(normalized);
  }

  toArray(): string[] {
    return [...this.tokens];
  }

  /** The tokens as one space-separated string, for `array_to_tsvector(string_to_array($1, ' '))`. */
  toSqlList(): string {
    return [...this.tokens].join(" ");
  }
}

/** The tokens of any text (a note, a subject). */
export function searchTokens(text: string | null | undefined): string[] {
  const set = new TokenSet();
  set.addText(text);
  return set.toArray();
}

type MessageFields = Pick<
  ParsedMessage,
  "subject" | "fromAddress" | "fromName" | "to" | "cc" | "textBody" | "attachments"
>;

/**
 * The tokens of a message: subject, sender, To and Cc (addresses and names),
 * the text body and attachment file names. The store writes them with
 * `array_to_tsvector(tokens::text[])` in the same statement as the message.
 */
export function messageSearchTokens(message: MessageFields): TokenSet {
  const set = new TokenSet();
  set.addText(message.subject);
  set.addAddress(message.fromAddress, message.fromName);
  for (const a of message.to) set.addAddress(a.address, a.name);
  for (const a of message.cc) set.addAddress(a.address, a.name);
  for (const a of message.attachments) set.addText(a.filename);
  set.addText(message.textBody);
  return set;
}

/** The tokens of a note's body (Note.searchVector). */
export function noteSearchTokens(body: string): string[] {
  return searchTokens(body);
}

/**
 * Fills Note.searchVector for one note, inside the caller's transaction (a
 * Prisma TransactionClient or server/db/raw-sql.ts). Call it where a note is
 * written or edited: `await setNoteSearchVector(tx, note.id, body)`.
 */
export async function setNoteSearchVector(tx: RawSql, noteId: number, body: string): Promise<void> {
  await tx.$queryRaw`
    update "Note" set "searchVector" = array_to_tsvector(${noteSearchTokens(body)}::text[]) where id = ${noteId}`;
}
