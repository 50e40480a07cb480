// SEARCH's text keys over one stored message (RFC 9051 §6.4.4): a
// case-insensitive substring match on decoded text, so a Japanese word
// finds ISO-2022-JP, Shift_JIS or base64 mail. Used by the in-memory backend;
// the PostgreSQL adapter may answer from its search index instead.
import { decodeText } from "../../../server/mime/charset.ts";
import { decodeEncodedWords } from "../../../server/mime/encoded-words.ts";
import { decodeTransferEncoding } from "../../../server/mime/transfer-decoding.ts";
import type { TextCriterion } from "../backend.ts";
import { param } from "./content-type.ts";
import { headerField, type MimeNode, parseMessageStructure } from "./message-structure.ts";

export function matchesText(raw: Buffer, criteria: readonly TextCriterion[]): boolean[] {
  const root = parseMessageStructure(raw);
  let body: string | null = null;
  let header: string | null = null;
  const bodyText = () => {
    body ??= normalize(bodyTexts(raw, root).join("\n"));
    return body;
  };
  const headerText = () => {
    header ??= normalize(root.fields.map((field) => `${field.name}: ${decodeField(field.value)}`).join("\n"));
    return header;
  };
  return criteria.map((criterion) => {
    const needle = normalize(criterion.value);
    switch (criterion.kind) {
      case "body":
        return bodyText().includes(needle);
      case "text":
        return headerText().includes(needle) || bodyText().includes(needle);
      default:
        // RFC 9051 §6.4.4 HEADER: an empty string matches every message that has the field.
        return root.fields.some(
          (field) => field.name === criterion.field && normalize(decodeField(field.value)).includes(needle),
        );
    }
  });
}

function bodyTexts(raw: Buffer, node: MimeNode): string[] {
  if (node.children.length > 0) return node.children.flatMap((child) => bodyTexts(raw, child));
  if (node.encapsulated) {
    const inner = node.encapsulated;
    return [inner.fields.map((field) => decodeField(field.value)).join("\n"), ...bodyTexts(raw, inner)];
  }
  if (!node.contentType.value.startsWith("text/")) return [];
  const encoding = headerField(node, "content-transfer-encoding")?.trim().toLowerCase() ?? null;
  const bytes = decodeTransferEncoding(raw.subarray(node.bodyStart, node.end), encoding);
  return [decodeText(bytes, param(node.contentType, "charset"))];
}

/** Header values were read as latin1; raw UTF-8 (RFC 6532) is turned back into text first. */
function decodeField(value: string): string {
  return decodeEncodedWords(decodeText(Buffer.from(value, "latin1"), null));
}

// RFC 9051 §6.4.4 leaves the comparison to the server; full-width and
// half-width forms compare equal, as Japanese users expect.
function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ");
}
