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

/** The allowed part of the editor's HTML, as a fragment (what a draft keeps). */
export function composeHtmlFragment(html: string): string {
  return sanitize(html, ALLOWED).trim();
}

export function composeHtml(html: string): string {
  return `<!doctype html><html><body>${composeHtmlFragment(html)}</body></html>`;
}
