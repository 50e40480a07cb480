// The composer's simple rich text (bold, italic, underline, links, lists,
// quotes, line breaks) as it may leave Yubin: anything else an editor or a
// paste can produce — scripts, styles, images, event handlers, other URL
// schemes — is removed on the server, whatever the browser sent.
import sanitize from "sanitize-html";

const ALLOWED = {
  allowedTags: ["p", "div", "br", "b", "strong", "i", "em", "u", "a", "ul", "ol", "li", "blockquote"],
  allowedAttributes: { a: ["href"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard" as const,
};

export function composeHtml(html: string): string {
  const clean = sanitize(html, ALLOWED).trim();
  return `<!doctype html><html><body>${clean}</body></html>`;
}
