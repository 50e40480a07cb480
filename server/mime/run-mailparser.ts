import { Readable } from "node:stream";
import { type ParsedMail, simpleParser } from "mailparser";
import { MAX_PARSE_MS } from "../limits.ts";
import type { MessageStructure } from "./message-structure.ts";
import type { MimePart } from "./mime-scan.ts";
import { repairHeaders } from "./repair-headers.ts";

const CHUNK_BYTES = 64 * 1024;

export type MailparserResult = { mail: ParsedMail; error: null } | { mail: null; error: string };

/**
 * Runs mailparser, within a time budget, on a message whose structure is
 * within the limits, with its header sections repaired (repair-headers.ts).
 * Never throws. A longer input is fed in chunks so that a parse that runs
 * out of time stops reading instead of finishing in the background.
 */
export async function runMailparser(structure: MessageStructure, timeoutMs = MAX_PARSE_MS): Promise<MailparserResult> {
  if (structure.limitError) return { mail: null, error: structure.limitError };
  let timer: NodeJS.Timeout | undefined;
  let source: Readable | undefined;
  try {
    const input = repairHeaders(structure);
    // A message of one chunk is handed over whole: a stream would bring it in
    // one piece anyway, and costs a sixth of the parse (docs/benchmarks.md).
    if (input.length > CHUNK_BYTES) source = Readable.from(chunks(input), { objectMode: false });
    const parsing = simpleParser(source ?? input, {
      skipTextToHtml: !hasTextBesideHtml(structure.parts),
      skipTextLinks: true,
      // Keep cid: references in the HTML; the sanitiser rewrites them to URLs.
      skipImageLinks: true,
      keepCidLinks: true,
      checksumAlgo: "sha256",
    });
    parsing.catch(() => {});
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        source?.destroy();
        reject(new Error(`parsing took longer than ${timeoutMs} ms`));
      }, timeoutMs);
    });
    return { mail: await Promise.race([parsing, timeout]), error: null };
  } catch (error) {
    return { mail: null, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    source?.destroy();
  }
}

/**
 * Whether a plain-text part stands beside an HTML part rather than as its
 * alternative: text/html followed by text/plain in a multipart/mixed, or a
 * mailing list's footer after a multipart/alternative. Mail clients show
 * every inline part in order, so mailparser must turn those into HTML too
 * (skipped otherwise: converting every text part costs CPU on each delivery).
 */
export function hasTextBesideHtml(parts: MimePart[]): boolean {
  if (!parts.some((part) => part.contentType === "text/html")) return false;
  return parts.some((part, index) => {
    if (part.contentType !== "text/plain" && part.contentType !== "message/delivery-status") return false;
    const disposition = part.fields.find((field) => field.name === "content-disposition")?.value ?? "";
    if (/^\s*attachment\b/i.test(disposition)) return false;
    // Ancestors: the nearest earlier part one level up, and so on.
    let depth = part.depth;
    for (let at = index - 1; at >= 0 && depth > 0; at--) {
      const candidate = parts[at] as MimePart;
      if (candidate.depth !== depth - 1) continue;
      if (candidate.contentType === "multipart/alternative") return false;
      depth = candidate.depth;
    }
    return true;
  });
}

function* chunks(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) yield bytes.subarray(at, at + CHUNK_BYTES);
}
