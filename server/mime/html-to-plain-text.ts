import { htmlToText } from "html-to-text";

// mailparser only derives text from HTML when the HTML is the message's root
// part, so HTML-only mail in multipart/related or multipart/mixed (common from
// newsletter tools) would have no text to search, snippet or quote.
const OPTIONS = {
  wordwrap: false as const,
  // Link targets and image sources are noise in a snippet and a search index.
  selectors: [
    { selector: "a", options: { ignoreHref: true } },
    { selector: "img", format: "skip" },
  ],
  // html-to-text recurses once per nested element: cut deeper content rather than overflow the stack.
  limits: { maxDepth: 256, maxInputLength: 16 * 1024 * 1024 },
};

export function htmlToPlainText(html: string): string | null {
  try {
    return htmlToText(html, OPTIONS).trim() || null;
  } catch {
    return null;
  }
}
