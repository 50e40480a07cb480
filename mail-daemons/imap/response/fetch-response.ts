// One message's "* n FETCH (...)" response (RFC 9051 §7.5.2), item by item
// in the order asked. Header-only items are served from the header block;
// the whole message is parsed (never decoded) only when an item needs it.
import type { MessageContent, MessageMetadata, MessageState } from "../backend.ts";
import { binaryContent } from "../mime/binary-content.ts";
import { bodyStructure } from "../mime/body-structure.ts";
import { envelopeFromHeader } from "../mime/envelope.ts";
import { type MimeNode, parseMessageStructure } from "../mime/message-structure.ts";
import { headerFields, partialBytes, sectionBytes } from "../mime/section.ts";
import { formatDateTime } from "../parser/date-time.ts";
import type { FetchItem, Section } from "../parser/fetch-attributes.ts";
import { type EncodeOptions, encodeAstring, encodeValue, withoutNul } from "./encode.ts";
import type { ResponseWriter } from "./response-writer.ts";

export interface FetchSource {
  msn: number;
  state: MessageState;
  metadata: MessageMetadata | null;
  header: Buffer | null;
  /** The whole message, when an item needed it. */
  raw: Buffer | null;
  /** The whole message as a stream, when it is the only body item. */
  stream: MessageContent | null;
}

export type FetchOutcome = "ok" | "unknown-cte";

export async function writeFetchResponse(
  writer: ResponseWriter,
  items: readonly FetchItem[],
  source: FetchSource,
  options: EncodeOptions,
): Promise<FetchOutcome> {
  let outcome: FetchOutcome = "ok";
  let structure: MimeNode | null = null;
  const parsed = () => {
    structure ??= parseMessageStructure(source.raw ?? Buffer.alloc(0));
    return structure;
  };
  const header = () => source.header ?? (source.raw ? source.raw.subarray(0, parsed().bodyStart) : Buffer.alloc(0));
  const whole = () => source.raw ?? Buffer.alloc(0);
  const text = (value: string) => Buffer.from(value, "utf8");

  const pieces: Array<Buffer | MessageContent> = [];
  const item = (name: string, value: Buffer | MessageContent) => {
    pieces.push(text(`${pieces.length === 0 ? "" : " "}${name} `), value);
  };
  const literal = (bytes: Buffer) => Buffer.concat([text(`{${bytes.length}}\r\n`), withoutNul(bytes)]);

  for (const fetchItem of items) {
    switch (fetchItem.kind) {
      case "simple":
        switch (fetchItem.name) {
          case "UID":
            item("UID", text(String(source.state.uid)));
            break;
          case "FLAGS":
            item("FLAGS", text(`(${source.state.flags.join(" ")})`));
            break;
          case "MODSEQ":
            item("MODSEQ", text(`(${source.state.modseq})`));
            break;
          case "INTERNALDATE":
            item("INTERNALDATE", text(`"${formatDateTime(source.metadata?.internalDate ?? new Date(0))}"`));
            break;
          case "RFC822.SIZE":
            item("RFC822.SIZE", text(String(source.metadata?.size ?? 0)));
            break;
          case "ENVELOPE":
            item("ENVELOPE", encodeValue(envelopeFromHeader(header()), options));
            break;
          case "BODYSTRUCTURE":
          case "BODY":
            item(
              fetchItem.name,
              encodeValue(bodyStructure(parsed(), whole(), fetchItem.name === "BODYSTRUCTURE"), options),
            );
            break;
          case "RFC822":
            item("RFC822", source.stream ? source.stream : literal(whole()));
            break;
          case "RFC822.HEADER":
            item("RFC822.HEADER", literal(header()));
            break;
          case "RFC822.TEXT":
            item("RFC822.TEXT", literal(whole().subarray(parsed().bodyStart)));
            break;
        }
        break;
      case "body": {
        const name = `BODY[${sectionName(fetchItem.section, options)}]${fetchItem.partial ? `<${fetchItem.partial.offset}>` : ""}`;
        if (source.stream && fetchItem.section.part.length === 0 && !fetchItem.section.text && !fetchItem.partial) {
          item(name, source.stream);
          break;
        }
        item(name, literal(partialBytes(sectionOf(fetchItem.section), fetchItem.partial)));
        break;
      }
      case "binary":
      case "binary-size": {
        const decoded = binaryContent(whole(), parsed(), fetchItem.part);
        if (!decoded.ok && decoded.reason === "unknown-cte") {
          // RFC 3516 §4.3: the data cannot be decoded; the command ends NO [UNKNOWN-CTE].
          outcome = "unknown-cte";
          continue;
        }
        const bytes = decoded.ok ? decoded.bytes : Buffer.alloc(0);
        const part = fetchItem.part.join(".");
        if (fetchItem.kind === "binary-size") {
          item(`BINARY.SIZE[${part}]`, text(String(bytes.length)));
          break;
        }
        const piece = partialBytes(bytes, fetchItem.partial);
        // RFC 3516 §4.2: literal8 when the content has NUL, which a plain literal cannot carry.
        const marker = piece.includes(0) ? `~{${piece.length}}\r\n` : `{${piece.length}}\r\n`;
        item(
          `BINARY[${part}]${fetchItem.partial ? `<${fetchItem.partial.offset}>` : ""}`,
          Buffer.concat([text(marker), piece]),
        );
        break;
      }
    }
  }

  await writer.write(`* ${source.msn} FETCH (`);
  for (const piece of pieces) {
    if (Buffer.isBuffer(piece)) await writer.write(piece);
    else {
      await writer.write(`{${piece.size}}\r\n`);
      await writer.stream(piece.chunks(), piece.size);
    }
  }
  await writer.write(")\r\n");
  return outcome;

  function sectionOf(section: Section): Buffer {
    const { part, text: sectionText } = section;
    if (part.length === 0 && sectionText !== null && sectionText.startsWith("HEADER")) {
      const block = header();
      if (sectionText === "HEADER") return block;
      return headerFields(block, section.fields, sectionText === "HEADER.FIELDS.NOT");
    }
    return sectionBytes(whole(), parsed(), section);
  }
}

/** The section as the response names it (RFC 9051 §7.5.2): as requested, field names included. */
function sectionName(section: Section, options: EncodeOptions): string {
  const parts = section.part.join(".");
  let text: string = section.text ?? "";
  if (section.text === "HEADER.FIELDS" || section.text === "HEADER.FIELDS.NOT") {
    text += ` (${section.fields.map((field) => encodeAstring(field, options).toString("latin1")).join(" ")})`;
  }
  return parts && text ? `${parts}.${text}` : parts || text;
}
