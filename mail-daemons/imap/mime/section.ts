// The bytes a BODY[section] names (RFC 9051 §6.4.5): the whole message,
// HEADER, HEADER.FIELDS (NOT), TEXT, MIME, or a part's body, of the message
// or of a message/rfc822 part.
import type { Section } from "../parser/fetch-attributes.ts";
import { type MimeNode, resolvePart } from "./message-structure.ts";

export function sectionBytes(raw: Buffer, root: MimeNode, section: Section): Buffer {
  if (section.part.length === 0 && section.text === null) return raw;
  const node = resolvePart(root, section.part);
  if (!node) return Buffer.alloc(0);
  switch (section.text) {
    case null:
      return raw.subarray(node.bodyStart, node.end);
    case "MIME":
      return raw.subarray(node.start, node.bodyStart);
    default: {
      // HEADER, HEADER.FIELDS and TEXT after part numbers name the message inside a message/rfc822 part.
      const message = section.part.length === 0 ? node : node.encapsulated;
      if (!message) return Buffer.alloc(0);
      if (section.text === "TEXT") return raw.subarray(message.bodyStart, message.end);
      if (section.text === "HEADER") return raw.subarray(message.start, message.bodyStart);
      return headerFields(
        raw.subarray(message.start, message.headerEnd),
        section.fields,
        section.text === "HEADER.FIELDS.NOT",
      );
    }
  }
}

/**
 * HEADER.FIELDS (RFC 9051 §6.4.5): the named fields, folded lines and all,
 * in their original order, followed by the empty line that ends a header.
 */
export function headerFields(header: Buffer, names: readonly string[], exclude: boolean): Buffer {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  const kept: Buffer[] = [];
  let fieldStart = 0;
  let keep = false;
  let at = 0;
  while (at < header.length) {
    const newline = header.indexOf(0x0a, at);
    const lineEnd = newline < 0 ? header.length : newline + 1;
    const continuation = header[at] === 0x20 || header[at] === 0x09;
    if (!continuation) {
      if (keep) kept.push(header.subarray(fieldStart, at));
      const colon = header.indexOf(0x3a, at);
      const name = colon < 0 || colon > lineEnd ? "" : header.toString("latin1", at, colon).trim().toLowerCase();
      keep = name !== "" && wanted.has(name) !== exclude;
      fieldStart = at;
    }
    at = lineEnd;
  }
  if (keep) kept.push(header.subarray(fieldStart, header.length));
  const joined = kept.map((field) => (field.at(-1) === 0x0a ? field : Buffer.concat([field, Buffer.from("\r\n")])));
  return Buffer.concat([...joined, Buffer.from("\r\n")]);
}

/** <origin.length> (RFC 9051 §6.4.5): past the end is empty, never an error. */
export function partialBytes(bytes: Buffer, partial: { offset: number; length: number } | null): Buffer {
  if (!partial) return bytes;
  return bytes.subarray(
    Math.min(partial.offset, bytes.length),
    Math.min(partial.offset + partial.length, bytes.length),
  );
}
