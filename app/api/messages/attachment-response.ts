// One attachment as the browser gets it — a message's or a held reply's, the
// same rules for both:
// - download (default): the declared type unless it could be active content,
//   Content-Disposition: attachment;
// - inline (`?inline=1`, the cid: images of a message's HTML) and preview
//   (`?preview=1`, thumbnails and the in-page viewer): only what the first
//   bytes prove to be a raster image, or for preview a PDF, served with that
//   proven type — never the sender's word, never SVG. Anything else asked for
//   as a preview answers 415; as inline, it downloads as before.
// Every answer is nosniff and sandboxed by CSP, so even a PDF opened in the
// page runs none of its own scripts with Yubin's origin; a preview may be
// framed by Yubin's own pages only.
import type { ExtractedAttachment } from "../../../server/mime/extract-attachment.ts";
import { sniffPreviewType } from "../../../server/mime/sniff-preview.ts";
import { contentDisposition, safeContentType } from "./download-headers.ts";
import { COMMON_HEADERS } from "./message-request.ts";

export type AttachmentMode = "download" | "inline" | "preview";

const DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";
const PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'";

export function attachmentMode(request: Request): AttachmentMode {
  const params = new URL(request.url).searchParams;
  if (params.get("preview") === "1") return "preview";
  if (params.get("inline") === "1") return "inline";
  return "download";
}

export function attachmentResponse(attachment: ExtractedAttachment, index: number, mode: AttachmentMode): Response {
  const filename = attachment.filename ?? `attachment-${index + 1}`;
  const proven = mode === "download" ? null : sniffPreviewType(attachment.content);
  const shown = proven && (mode === "preview" || proven.startsWith("image/")) ? proven : null;
  if (mode === "preview" && !shown) {
    return new Response("No preview for this attachment\n", {
      status: 415,
      headers: {
        ...COMMON_HEADERS,
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Security-Policy": DOWNLOAD_CSP,
      },
    });
  }
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      ...COMMON_HEADERS,
      "Content-Type": shown ?? safeContentType(attachment.contentType),
      "Content-Disposition": contentDisposition(shown ? "inline" : "attachment", filename),
      "Content-Length": String(attachment.content.length),
      "Content-Security-Policy": mode === "preview" ? PREVIEW_CSP : DOWNLOAD_CSP,
    },
  });
}
