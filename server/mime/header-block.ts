export type HeaderField = { name: string; value: string };

/**
 * Where the header block ends and the body starts (RFC 5322 §2.1: the first
 * empty line). Bare LF line ends are accepted, as every real parser does.
 * Without an empty line the whole input is header and the body is empty.
 */
export function splitHeaderBlock(raw: Uint8Array, from = 0, to = raw.length): { headerEnd: number; bodyStart: number } {
  let lineStart = from;
  while (lineStart < to) {
    const newline = raw.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 || newline >= to ? to : newline;
    const emptyLine = lineEnd === lineStart || (lineEnd === lineStart + 1 && raw[lineStart] === 0x0d);
    if (emptyLine) return { headerEnd: lineStart, bodyStart: Math.min(lineEnd + 1, to) };
    lineStart = lineEnd + 1;
  }
  return { headerEnd: to, bodyStart: to };
}

/** Header fields in order, unfolded (RFC 5322 §2.2.3), names lower-cased. */
export function parseHeaderFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.split(/\r?\n/)) {
    const previous = fields.at(-1);
    if (/^[ \t]/.test(line) && previous) {
      previous.value += line;
      continue;
    }
    const colon = line.indexOf(":");
    // Only SP and HTAB are trimmed (RFC 5322 §2.2): the block may be raw bytes
    // read as latin1, where String.trim() would also cut 0xA0, the last byte
    // of a raw UTF-8 "①" (E2 91 A0).
    if (colon > 0)
      fields.push({ name: trimWsp(line.slice(0, colon)).toLowerCase(), value: trimWsp(line.slice(colon + 1)) });
  }
  return fields;
}

function trimWsp(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** The first value of a field, or null. */
export function headerValue(fields: HeaderField[], name: string): string | null {
  return fields.find((field) => field.name === name)?.value ?? null;
}

/** One parameter of a structured field such as Content-Type (RFC 2045 §5.1). */
export function headerParam(value: string, param: string): string | null {
  const match = new RegExp(`;\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value);
  return match ? (match[1] ?? match[2] ?? null) : null;
}
