// A message's sanitised HTML, for the sandboxed iframe on the conversation
// page. Defence in depth: the sanitiser removed scripts and remote loads, the
// iframe is sandboxed (no scripts, no same-origin; only popups for links), and this CSP sandboxes the document again and lets it
// load nothing but inline styles, data: fonts and images, and this message's
// own inline parts, embedded as data: URLs (plus remote images when the
// reader asked for them).
import { messageHtml } from "../../../../../server/conversations/message-content.ts";
import { getT } from "../../../../i18n/server.ts";
import { COMMON_HEADERS, messageRequest, notFound } from "../../message-request.ts";
import { FOLD_STYLE, foldQuotes } from "./fold-quotes.ts";
import { embedInlineImages } from "./inline-images.ts";

const FRAME_STYLE = `
  html { color-scheme: light; }
  body { margin: 0; padding: 16px 20px; font: 14px/1.6 ui-sans-serif, system-ui, -apple-system, "Segoe UI",
    "Hiragino Sans", "Noto Sans JP", "Noto Sans CJK JP", "Yu Gothic UI", Meiryo, sans-serif; color: #0f172a;
    overflow-wrap: anywhere; }
  img { max-width: 100%; height: auto; }
  img[data-blocked-src] { display: none; }
  table { max-width: 100%; }
  pre { white-space: pre-wrap; }
${FOLD_STYLE}`;

function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const host = request.headers.get("host") ?? url.host;
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.replace(":", "");
  return `${proto === "https" ? "https" : "http"}://${host}`;
}

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const target = await messageRequest(request, params);
  if (!target) return notFound();
  const url = new URL(request.url);
  const allowRemoteImages = url.searchParams.get("remoteImages") === "1";
  const content = await messageHtml({ message: target, allowRemoteImages });
  if (!content) return notFound();
  // cid: images are embedded as data: URLs (inline-images.ts); the path
  // source (CSP3 §6.7.2.12: a path ending in "/" matches what is below it)
  // still admits this message's attachment URLs for any left as links. The
  // origin is spelled out because 'self' is ambiguous in a sandboxed
  // (opaque-origin) document, and taken from the Host the browser asked for:
  // behind the custom server, request.url says localhost:3000.
  const attachments = `${requestOrigin(request)}/api/messages/${target.messageId}/attachments/`;
  const imageSources = ["data:", attachments, ...(allowRemoteImages ? ["https:", "http:"] : [])].join(" ");
  const policy = [
    "sandbox allow-popups allow-popups-to-escape-sandbox",
    "default-src 'none'",
    `img-src ${imageSources}`,
    "style-src 'unsafe-inline'",
    "font-src data:",
    // Only the conversation page of this origin may frame it.
    `frame-ancestors 'self' ${requestOrigin(request)}`,
  ].join("; ");
  const t = await getT();
  const body = foldQuotes(await embedInlineImages(content.html, target), t("message.showQuoted"));
  const document = `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><style>${FRAME_STYLE}</style></head><body>${body}</body></html>`;
  return new Response(document, {
    headers: {
      ...COMMON_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": policy,
      "X-Blocked-Remote-Images": String(content.blockedRemoteImages),
    },
  });
}
