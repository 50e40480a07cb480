// The grammar primitives of RFC 9051 §9 over a framed command: atoms,
// quoted strings, literals, numbers, parenthesised lists. Every command's
// argument grammar is written with these, so the limits on nesting and list
// length are enforced in one place.
import { IMAP_MAX_LIST_ITEMS, IMAP_MAX_NESTING_DEPTH } from "../../../server/limits.ts";
import type { FramedCommand, Literal } from "./command-framer.ts";
import { ParseError } from "./parse-error.ts";

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

// RFC 9051 §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials.
const ATOM_SPECIALS = new Set([0x28, 0x29, 0x7b, SP, 0x25, 0x2a, DQUOTE, BACKSLASH, 0x5d]);

/** ATOM-CHAR; `allow` adds characters a particular production permits (e.g. "]" in astring). */
export function isAtomChar(byte: number, allow = ""): boolean {
  if (byte <= 0x1f || byte === 0x7f) return false;
  if (byte >= 0x80) return false;
  if (ATOM_SPECIALS.has(byte)) return allow.includes(String.fromCharCode(byte));
  return true;
}

export class Cursor {
  private segment = 0;
  private pos = 0;
  private depth = 0;

  constructor(private readonly command: FramedCommand) {}

  private get text(): Buffer {
    return this.command.texts[this.segment] as Buffer;
  }

  /** The next byte of command text, or -1 where a literal or the end follows. */
  peek(): number {
    return this.pos < this.text.length ? (this.text[this.pos] as number) : -1;
  }

  atLiteral(): boolean {
    return this.pos >= this.text.length && this.segment < this.command.literals.length;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length && this.segment >= this.command.literals.length;
  }

  expectEnd(): void {
    if (!this.atEnd()) throw new ParseError(`Unexpected text: ${this.preview()}`);
  }

  /** Up to a few characters of what follows, for error messages. */
  preview(): string {
    if (this.atLiteral()) return "literal";
    const rest = this.text.subarray(this.pos, this.pos + 20).toString("latin1");
    return rest.replace(/[^\x20-\x7e]/g, "?") || "end of command";
  }

  sp(): void {
    if (this.peek() !== SP) throw new ParseError(`Expected space before ${this.preview()}`);
    this.pos += 1;
  }

  trySp(): boolean {
    if (this.peek() !== SP) return false;
    this.pos += 1;
    return true;
  }

  tryChar(char: string): boolean {
    if (this.peek() !== char.charCodeAt(0)) return false;
    this.pos += 1;
    return true;
  }

  expectChar(char: string): void {
    if (!this.tryChar(char)) throw new ParseError(`Expected "${char}" before ${this.preview()}`);
  }

  /** A case-insensitive keyword ending where the next token does not continue it. */
  tryWord(word: string): boolean {
    const end = this.pos + word.length;
    if (end > this.text.length) return false;
    if (this.text.subarray(this.pos, end).toString("latin1").toUpperCase() !== word) return false;
    const after = end < this.text.length ? (this.text[end] as number) : -1;
    if (after !== -1 && isAtomChar(after, "]") && after !== 0x5b && after !== 0x5d) return false;
    this.pos = end;
    return true;
  }

  expectWord(word: string): void {
    if (!this.tryWord(word)) throw new ParseError(`Expected ${word} before ${this.preview()}`);
  }

  /** Bytes while `accept` holds; at least one. */
  run(accept: (byte: number) => boolean, what: string): string {
    const start = this.pos;
    while (this.pos < this.text.length && accept(this.text[this.pos] as number)) this.pos += 1;
    if (this.pos === start) throw new ParseError(`Expected ${what} before ${this.preview()}`);
    return this.text.subarray(start, this.pos).toString("latin1");
  }

  atom(allow = ""): string {
    return this.run((byte) => isAtomChar(byte, allow), "atom");
  }

  /** RFC 9051 §9 number: up to 2^32-1 unless wider is asked (mod-sequence values are 63-bit). */
  number(max = 0xffffffff): number {
    const digits = this.run((byte) => byte >= 0x30 && byte <= 0x39, "number");
    const value = Number(digits);
    if (digits.length > 19 || value > max) throw new ParseError(`Number out of range: ${digits.slice(0, 20)}`);
    return value;
  }

  /**
   * A mod-sequence value (RFC 7162 §7: up to 2^63-1). Ours stay far below
   * 2^53; a larger one from a client is clamped, which compares the same
   * against every modseq we issue.
   */
  modseq(): number {
    const digits = this.run((byte) => byte >= 0x30 && byte <= 0x39, "mod-sequence");
    if (digits.length > 19 || BigInt(digits) > 0x7fffffffffffffffn) throw new ParseError("mod-sequence out of range");
    return Math.min(Number(digits), Number.MAX_SAFE_INTEGER);
  }

  nzNumber(max = 0xffffffff): number {
    const value = this.number(max);
    if (value === 0) throw new ParseError("Expected a non-zero number");
    return value;
  }

  /** quoted / literal (RFC 9051 §9 "string"). NUL is never allowed in either (§4.3). */
  string(): Buffer {
    if (this.atLiteral()) return this.literal(false).bytes;
    if (this.peek() !== DQUOTE) throw new ParseError(`Expected string before ${this.preview()}`);
    this.pos += 1;
    const out: number[] = [];
    for (;;) {
      if (this.pos >= this.text.length) throw new ParseError("Unterminated quoted string");
      const byte = this.text[this.pos++] as number;
      if (byte === DQUOTE) return Buffer.from(out);
      if (byte === 0) throw new ParseError("NUL in quoted string");
      if (byte === BACKSLASH) {
        const escaped = this.text[this.pos++];
        // RFC 9051 §9: only quoted-specials may be escaped.
        if (escaped !== DQUOTE && escaped !== BACKSLASH) throw new ParseError("Bad escape in quoted string");
        out.push(escaped);
        continue;
      }
      out.push(byte);
    }
  }

  /** The literal that follows; NUL only in literal8 when `binaryAllowed` (RFC 3516 §4.1). */
  literal(binaryAllowed: boolean): Literal {
    if (!this.atLiteral()) throw new ParseError(`Expected literal before ${this.preview()}`);
    const literal = this.command.literals[this.segment] as Literal;
    if (literal.binary && !binaryAllowed) throw new ParseError("literal8 not allowed here");
    if (!literal.binary && literal.bytes.includes(0)) throw new ParseError("NUL in literal");
    this.segment += 1;
    this.pos = 0;
    return literal;
  }

  /**
   * astring = 1*ASTRING-CHAR / string. Raw UTF-8 is accepted in the atom
   * form too: clients send it (RFC 9051 §4.3 only allows it quoted), and
   * refusing it helps nobody.
   */
  astring(): Buffer {
    const next = this.peek();
    if (next === DQUOTE || this.atLiteral()) return this.string();
    const start = this.pos;
    this.run((byte) => byte >= 0x80 || isAtomChar(byte, "]"), "astring");
    return Buffer.from(this.text.subarray(start, this.pos));
  }

  /** nstring = string / NIL. */
  nstring(): Buffer | null {
    if (this.tryWord("NIL")) return null;
    return this.string();
  }

  /** "(" item *(SP item) ")", or "()" when `allowEmpty`. */
  list<T>(item: () => T, allowEmpty = false): T[] {
    this.expectChar("(");
    this.enter();
    const items: T[] = [];
    if (!this.tryChar(")")) {
      do {
        if (items.length >= IMAP_MAX_LIST_ITEMS) throw new ParseError("Too many list items");
        items.push(item());
      } while (this.trySp());
      this.expectChar(")");
    } else if (!allowEmpty) {
      throw new ParseError("Empty list");
    }
    this.leave();
    return items;
  }

  /** One level of nesting (a list, a parenthesised search key, OR, NOT). */
  enter(): void {
    this.depth += 1;
    if (this.depth > IMAP_MAX_NESTING_DEPTH) throw new ParseError("Too deeply nested");
  }

  leave(): void {
    this.depth -= 1;
  }
}
