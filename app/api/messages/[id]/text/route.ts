// A message's whole text body, for one whose text the conversation page cut
// (server/conversations/message-text.ts): streamed from the database a piece
// at a time. Downloaded as .txt; `?inline=1` shows it as plain text.
import { messageTextStream } from "../../../../../server/conversations/message-text.ts";
import { contentDisposition } from "../../download-headers.ts";
import { COMMON_HEADERS, messageRequest, notFound } from "../../message-request.ts";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const target = await messageRequest(request, params);
  if (!target) return notFound();
  const text = await messageTextStream(target);
  if (!text) return notFound();
  const inline = new URL(request.url).searchParams.get("inline") === "1";
  const encoder = new TextEncoder();
  const iterator = text.chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      ...COMMON_HEADERS,
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", `message-${target.messageId}.txt`),
      "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    },
  });
}
