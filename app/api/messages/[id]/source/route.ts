// The raw message exactly as it was received, for a message that could not
// be parsed or for anyone who wants to see the headers. Downloaded as .eml;
// `?inline=1` shows it as plain text in the browser.
import { messageSource } from "../../../../../server/conversations/message-content.ts";
import { contentDisposition } from "../../download-headers.ts";
import { COMMON_HEADERS, messageRequest, notFound } from "../../message-request.ts";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const target = await messageRequest(request, params);
  if (!target) return notFound();
  const source = await messageSource(target);
  if (!source) return notFound();
  const inline = new URL(request.url).searchParams.get("inline") === "1";
  return new Response(new Uint8Array(source), {
    headers: {
      ...COMMON_HEADERS,
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", `message-${target.messageId}.eml`),
      "Content-Length": String(source.length),
      "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    },
  });
}
