// A message's text as the conversation page shows it: the first
// MAX_DISPLAY_TEXT_CHARS characters, cut in PostgreSQL, so that a 20 MB body
// never travels whole to the web process and on to every reader; the rest is
// streamed on request (messageTextStream, app/api/messages/[id]/text).
import type { AuthorizedMessage } from "../access/gate.ts";
import { db, Prisma } from "../db.ts";
import { MAX_DISPLAY_TEXT_CHARS } from "../limits.ts";
import { REMOTE_IMAGE_PATTERN } from "../mime/sanitize-html.ts";

export interface TextPreview {
  /** At most MAX_DISPLAY_TEXT_CHARS characters of the text body. */
  text: string | null;
  /** Characters of the whole text body. */
  length: number;
  hasHtml: boolean;
  /** The HTML may hold remote images, which are blocked until the reader asks (sanitize-html.ts). */
  remoteImages: boolean;
}

/** The previews of the messages named: by id, or all of a conversation's. */
export type PreviewSelection = { ids: number[] } | { conversationId: number };

export async function messageTextPreviews(which: PreviewSelection): Promise<Map<number, TextPreview>> {
  if ("ids" in which && which.ids.length === 0) return new Map();
  const where =
    "ids" in which
      ? Prisma.sql`id = any(${which.ids}::int[])`
      : Prisma.sql`"conversationId" = ${which.conversationId}::int`;
  // left() and char_length() count characters, so a cut never splits one;
  // "~ '\S'" stops at the first visible character of the HTML.
  const rows = await db().$queryRaw<
    { id: number; text: string | null; length: number; hasHtml: boolean; remoteImages: boolean }[]
  >`
    select id, left("textBody", ${MAX_DISPLAY_TEXT_CHARS}::int) as text,
      coalesce(char_length("textBody"), 0)::int as length,
      coalesce("htmlBody" ~ '\\S', false) as "hasHtml",
      coalesce("htmlBody" ~* ${REMOTE_IMAGE_PATTERN}, false) as "remoteImages"
    from "Message" where ${where}`;
  return new Map(
    rows.map((r) => [r.id, { text: r.text, length: r.length, hasHtml: r.hasHtml, remoteImages: r.remoteImages }]),
  );
}

/** Characters read from the database per step of the stream. */
const STREAM_CHUNK_CHARS = 1_000_000;

/** The whole text body of a message the gate authorised, a million characters at a time; null when it has none. */
export async function messageTextStream(
  message: AuthorizedMessage,
): Promise<{ length: number; chunks: AsyncIterable<string> } | null> {
  const [row] = await db().$queryRaw<{ length: number | null }[]>`
    select char_length("textBody")::int as length from "Message" where id = ${message.messageId}::int`;
  if (!row || row.length === null) return null;
  const length = row.length;
  async function* chunks() {
    for (let start = 1; start <= length; start += STREAM_CHUNK_CHARS) {
      const [chunk] = await db().$queryRaw<{ text: string | null }[]>`
        select substr("textBody", ${start}::int, ${STREAM_CHUNK_CHARS}::int) as text
        from "Message" where id = ${message.messageId}::int`;
      if (!chunk?.text) return;
      yield chunk.text;
    }
  }
  return { length, chunks: chunks() };
}
