// What responses are made of (RFC 9051 §4): NIL, numbers, atoms, strings
// and parenthesised lists. Strings from stored mail are Buffers (their bytes
// as stored); JS strings are text we produce, encoded as UTF-8.

export type ImapValue = null | number | Atom | string | Buffer | ImapValue[];

export class Atom {
  constructor(readonly text: string) {}
}

export function atom(text: string): Atom {
  return new Atom(text);
}

/** A header value as stored: latin1 in our parse, so the original bytes come back. */
export function raw(text: string | null): Buffer | null {
  return text === null ? null : Buffer.from(text, "latin1");
}
