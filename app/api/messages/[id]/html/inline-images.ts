// cid: images reach the sandboxed frame as data: URLs. The frame's document
// has an opaque origin (sandbox without allow-same-origin), so the browser
// treats its requests as cross-site and withholds the SameSite session
// cookie: an <img> pointing at the attachment route would get a 404.
import type { AuthorizedMessage } from "../../../../../server/access/gate.ts";
import { messageAttachments } from "../../../../../server/conversations/message-content.ts";
import { MAX_INLINE_IMAGE_BYTES, MAX_INLINE_IMAGES } from "../../../../../server/limits.ts";
import { safeContentType } from "../../download-headers.ts";

// Larger images, or more of them (server/limits.ts), stay links (and show as broken) rather than bloat the document.
export async function embedInlineImages(html: string, target: AuthorizedMessage): Promise<string> {
  const url = new RegExp(`/api/messages/${target.messageId}/attachments/(\\d{1,4})\\?inline=1`, "g");
  const indexes = [...new Set([...html.matchAll(url)].map((m) => Number(m[1])))].slice(0, MAX_INLINE_IMAGES);
  const embedded = new Map<number, string>();
  // One parse of the message for all of its images (issue 9 item 10).
  const parts = await messageAttachments({ message: target, indexes });
  for (const index of indexes) {
    const part = parts.get(index);
    const type = part ? safeContentType(part.contentType) : "";
    // safeContentType has already turned SVG (which can carry script) into octet-stream.
    if (!part || !type.startsWith("image/") || part.content.length > MAX_INLINE_IMAGE_BYTES) continue;
    embedded.set(index, `data:${type};base64,${part.content.toString("base64")}`);
  }
  return html.replace(url, (whole, index: string) => embedded.get(Number(index)) ?? whole);
}
