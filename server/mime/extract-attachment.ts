import { runMailparser } from "./run-mailparser.ts";

export type ExtractedAttachment = { filename: string | null; contentType: string; content: Buffer };

/**
 * The bytes of one attachment, by the index parseMessage() gave it, for a
 * download. The message is parsed again the same way, so indexes agree;
 * parsed results never hold attachment bytes. Null when there is no such
 * attachment or the message cannot be parsed.
 */
export async function extractAttachment(raw: Buffer, index: number): Promise<ExtractedAttachment | null> {
  const { mail } = await runMailparser(raw);
  const attachment = mail?.attachments[index];
  if (!attachment) return null;
  return { filename: attachment.filename ?? null, contentType: attachment.contentType, content: attachment.content };
}
