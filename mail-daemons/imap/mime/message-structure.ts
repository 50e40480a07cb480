// The MIME tree of a stored message as byte ranges (RFC 2045, RFC 2046):
// enough for BODYSTRUCTURE, BODY[section] and BINARY[section] without
// decoding anything. Bounded like the mail store's scan: nesting and part
// count beyond the limits leave the rest as one opaque leaf.

import { MAX_MIME_DEPTH, MAX_MIME_PARTS } from "../../../server/limits.ts";
import { type HeaderField, parseHeaderFields, splitHeaderBlock } from "../../../server/mime/header-block.ts";
import { param, parseStructured, type StructuredValue } from "./content-type.ts";

export interface MimeNode {
  /** Where the entity's header starts, where its empty line starts, where its body starts and ends. */
  start: number;
  headerEnd: number;
  bodyStart: number;
  end: number;
  /** Fields decoded as latin1, so every byte survives into responses. */
  fields: HeaderField[];
  contentType: StructuredValue;
  /** A top-level or encapsulated message (not a MIME part inside one). */
  isMessage: boolean;
  /** The parts of a multipart entity. */
  children: MimeNode[];
  /** The message inside a message/rfc822 (or message/global) part. */
  encapsulated: MimeNode | null;
}

export function parseMessageStructure(raw: Buffer): MimeNode {
  const budget = { parts: 0 };
  return parseEntity(raw, 0, raw.length, true, 0, "text/plain", budget);
}

function parseEntity(
  raw: Buffer,
  start: number,
  end: number,
  isMessage: boolean,
  depth: number,
  defaultType: string,
  budget: { parts: number },
): MimeNode {
  budget.parts += 1;
  const { headerEnd, bodyStart } = splitHeaderBlock(raw, start, end);
  const fields = parseHeaderFields(raw.toString("latin1", start, headerEnd));
  const typeField = fields.find((field) => field.name === "content-type");
  let contentType = parseStructured(typeField?.value ?? defaultType);
  // RFC 2045 §5.2: a malformed Content-Type means text/plain.
  if (!/^[^/\s]+\/[^/\s]+$/.test(contentType.value)) contentType = parseStructured("text/plain; charset=us-ascii");
  const node: MimeNode = {
    start,
    headerEnd,
    bodyStart,
    end,
    fields,
    contentType,
    isMessage,
    children: [],
    encapsulated: null,
  };
  const withinLimits = depth < MAX_MIME_DEPTH && budget.parts < MAX_MIME_PARTS;
  if (!withinLimits) return node;
  const boundary = contentType.value.startsWith("multipart/") ? param(contentType, "boundary") : null;
  if (boundary) {
    // RFC 2046 §5.1.5: the parts of multipart/digest default to message/rfc822.
    const childDefault = contentType.value === "multipart/digest" ? "message/rfc822" : "text/plain";
    for (const [partStart, partEnd] of splitMultipart(raw, bodyStart, end, boundary)) {
      if (budget.parts >= MAX_MIME_PARTS) break;
      node.children.push(parseEntity(raw, partStart, partEnd, false, depth + 1, childDefault, budget));
    }
  } else if (contentType.value === "message/rfc822" || contentType.value === "message/global") {
    node.encapsulated = parseEntity(raw, bodyStart, end, true, depth + 1, "text/plain", budget);
  }
  return node;
}

/**
 * The byte ranges of the body parts (RFC 2046 §5.1.1): between delimiter
 * lines "--boundary", up to the close delimiter "--boundary--". The line
 * break before a delimiter belongs to the delimiter.
 */
function splitMultipart(raw: Buffer, from: number, to: number, boundary: string): Array<[number, number]> {
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  const ranges: Array<[number, number]> = [];
  let partStart = -1;
  let lineStart = from;
  while (lineStart < to) {
    const newline = raw.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 || newline >= to ? to : newline;
    if (raw[lineStart] === 0x2d && startsWith(raw, lineStart, lineEnd, delimiter)) {
      const after = lineStart + delimiter.length;
      const closing = raw[after] === 0x2d && raw[after + 1] === 0x2d;
      const rest = raw.toString("latin1", closing ? after + 2 : after, lineEnd);
      // RFC 2046 §5.1.1: only linear whitespace may follow the boundary.
      if (/^[ \t\r]*$/.test(rest)) {
        if (partStart >= 0) ranges.push([partStart, precedingLineBreak(raw, lineStart, partStart)]);
        if (closing) return ranges;
        partStart = Math.min(lineEnd + 1, to);
      }
    }
    lineStart = lineEnd + 1;
  }
  // A missing close delimiter: the last part runs to the end (RFC 2046 is strict; real mail is not).
  if (partStart >= 0) ranges.push([partStart, to]);
  return ranges;
}

function startsWith(raw: Buffer, at: number, end: number, prefix: Buffer): boolean {
  return end - at >= prefix.length && raw.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

function precedingLineBreak(raw: Buffer, delimiterStart: number, floor: number): number {
  let end = delimiterStart;
  if (end > floor && raw[end - 1] === 0x0a) end -= 1;
  if (end > floor && raw[end - 1] === 0x0d) end -= 1;
  return end;
}

export function headerField(node: MimeNode, name: string): string | null {
  return node.fields.find((field) => field.name === name)?.value ?? null;
}

/**
 * The entity a section part path names (RFC 9051 §6.4.5): part n of a
 * multipart, the parts of the message inside a message/rfc822, and "1" for
 * the body of a message that is not multipart. null when there is none.
 */
export function resolvePart(root: MimeNode, path: readonly number[]): MimeNode | null {
  let node: MimeNode = root;
  for (const n of path) {
    const container = node.encapsulated ?? node;
    if (container.children.length > 0) {
      const child = container.children[n - 1];
      if (!child) return null;
      node = child;
    } else if (n === 1 && (container.isMessage || container !== node)) {
      node = container;
    } else {
      return null;
    }
  }
  return node;
}
