import { readStructure } from "./message-structure.ts";
import { runMailparser } from "./run-mailparser.ts";

export type ExtractedAttachment = { filename: string | null; contentType: string; content: Buffer };

/**
 * The bytes of attachments, by the indexes parseMessage() gave them, for a
 * download or for inline images. The message is parsed again the same way
 * (once, however many are asked for), so indexes agree; parsed results never
 * hold attachment bytes. Null for an index with no such attachment, or for
 * every index when the message cannot be parsed.
 */
export async function extractAttachments(
  raw: Buffer,
  indexes: readonly number[],
): Promise<Map<number, ExtractedAttachment | null>> {
  const { mail } = await runMailparser(readStructure(raw));
  const found = new Map<number, ExtractedAttachment | null>();
  for (const index of indexes) {
    const attachment = mail?.attachments[index];
    found.set(
      index,
      attachment
        ? { filename: attachment.filename ?? null, contentType: attachment.contentType, content: attachment.content }
        : null,
    );
  }
  return found;
}

/** One attachment's bytes, as extractAttachments() gives them. */
export async function extractAttachment(raw: Buffer, index: number): Promise<ExtractedAttachment | null> {
  return (await extractAttachments(raw, [index])).get(index) ?? null;
}
