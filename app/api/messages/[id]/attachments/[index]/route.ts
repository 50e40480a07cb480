// One attachment of a message, as a download. `?inline=1` shows an image in
// place (the cid: images of the message HTML); nothing else is ever inline.
import { messageAttachment } from "../../../../../../server/conversations/message-content.ts";
import { contentDisposition, isInlineImage, safeContentType } from "../../../download-headers.ts";
import { COMMON_HEADERS, messageRequest, notFound, pathInteger } from "../../../message-request.ts";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; index: string }> }) {
  const target = await messageRequest(request, params);
  const index = pathInteger((await params).index);
  if (!target || index === null) return notFound();
  const attachment = await messageAttachment({ message: target, index });
  if (!attachment) return notFound();
  const type = safeContentType(attachment.contentType);
  const inline = new URL(request.url).searchParams.get("inline") === "1" && isInlineImage(type);
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      ...COMMON_HEADERS,
      "Content-Type": type,
      "Content-Disposition": contentDisposition(
        inline ? "inline" : "attachment",
        attachment.filename ?? `attachment-${index + 1}`,
      ),
      "Content-Length": String(attachment.content.length),
      "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
    },
  });
}
