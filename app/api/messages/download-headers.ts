// Headers for handing sender-controlled bytes to the browser without letting
// them run as part of Yubin's origin.
import { downloadName } from "../../components/attachment-name.ts";

// Types a browser would render as active content (script, markup that can
// carry script, XSLT); they are served as opaque bytes instead.
const ACTIVE_CONTENT =
  /html|xml|svg|javascript|ecmascript|jscript|vbscript|xsl|x-shockwave-flash|text\/cache-manifest|multipart\//;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** The part's declared type without parameters, unless it is malformed or could be active content. */
export function safeContentType(declared: string): string {
  const type = declared.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!MIME_TYPE.test(type) || ACTIVE_CONTENT.test(type)) return "application/octet-stream";
  return type;
}

// RFC 5987 §3.2.1 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~". encodeURIComponent
// leaves ' ( ) * as they are, which attr-char does not allow.
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * RFC 6266 Content-Disposition with both forms of the name: a plain ASCII
 * `filename` for old clients and `filename*` (RFC 5987, UTF-8) that modern
 * browsers prefer, so 請求書.pdf downloads as 請求書.pdf. Path separators,
 * control and bidi characters never reach the browser.
 */
export function contentDisposition(kind: "attachment" | "inline", filename: string): string {
  // Bidi overrides and other hidden characters go too (attachment-name.ts), and the length is capped.
  const name = downloadName(filename).replace(/[/\\]/g, "_").trim() || "attachment";
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["%]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
