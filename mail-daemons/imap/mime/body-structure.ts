// BODY and BODYSTRUCTURE (RFC 9051 §7.5.2): the MIME tree as nested lists.
// BODYSTRUCTURE carries the extension data (MD5, disposition, language,
// location; parameters of multiparts); BODY is the same without it.
import { type ImapValue, raw } from "../response/imap-value.ts";
import { parseStructured } from "./content-type.ts";
import { envelopeFromFields } from "./envelope.ts";
import { headerField, type MimeNode } from "./message-structure.ts";

export function bodyStructure(node: MimeNode, raw: Buffer, extensible: boolean): ImapValue[] {
  const [type = "text", subtype = "plain"] = node.contentType.value.split("/");
  if (node.children.length > 0) {
    const list: ImapValue[] = node.children.map((child) => bodyStructure(child, raw, extensible));
    list.push(subtype.toUpperCase());
    if (extensible) list.push(params(node.contentType.params), ...extensionTail(node));
    return list;
  }
  const encoding = headerField(node, "content-transfer-encoding")?.trim().toUpperCase() || "7BIT";
  const size = node.end - node.bodyStart;
  const list: ImapValue[] = [
    type.toUpperCase(),
    subtype.toUpperCase(),
    params(defaultParams(node)),
    rawField(node, "content-id"),
    rawField(node, "content-description"),
    encoding,
    size,
  ];
  if (node.encapsulated) {
    list.push(envelopeFromFields(node.encapsulated.fields), bodyStructure(node.encapsulated, raw, extensible));
    list.push(countLines(raw, node.bodyStart, node.end));
  } else if (type === "text") {
    list.push(countLines(raw, node.bodyStart, node.end));
  }
  if (extensible) list.push(rawField(node, "content-md5"), ...extensionTail(node));
  return list;
}

/** body-ext: disposition, language, location (RFC 9051 §7.5.2). */
function extensionTail(node: MimeNode): ImapValue[] {
  const disposition = headerField(node, "content-disposition");
  const parsed = disposition ? parseStructured(disposition) : null;
  const dispositionValue = parsed?.value ? [parsed.value.toUpperCase(), params(parsed.params)] : null;
  const language = headerField(node, "content-language");
  const languages = language
    ?.split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  const languageValue = !languages?.length
    ? null
    : languages.length === 1
      ? raw(languages[0] as string)
      : languages.map((l) => raw(l));
  return [dispositionValue, languageValue, rawField(node, "content-location")];
}

function defaultParams(node: MimeNode): Array<[string, string]> {
  // RFC 2045 §5.2: text without parameters is charset=us-ascii.
  if (node.contentType.params.length === 0 && node.contentType.value === "text/plain") return [["charset", "us-ascii"]];
  return node.contentType.params;
}

function params(list: Array<[string, string]>): ImapValue[] | null {
  if (list.length === 0) return null;
  return list.flatMap(([name, value]) => [raw(name.toUpperCase()), raw(value)]);
}

function rawField(node: MimeNode, name: string): Buffer | null {
  return raw(headerField(node, name));
}

function countLines(bytes: Buffer, start: number, end: number): number {
  let lines = 0;
  let at = bytes.indexOf(0x0a, start);
  while (at >= 0 && at < end) {
    lines += 1;
    at = bytes.indexOf(0x0a, at + 1);
  }
  if (end > start && bytes[end - 1] !== 0x0a) lines += 1;
  return lines;
}
