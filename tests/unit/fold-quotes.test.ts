import { describe, expect, it } from "vitest";
import { foldQuotes } from "../../app/api/messages/[id]/html/fold-quotes.ts";
import { sanitizeHtml } from "../../server/mime/sanitize-html.ts";

const options = { allowRemoteImages: false, cidUrl: () => null };

describe("fold marks in the sanitiser", () => {
  it("keeps mailers' quote, history and signature marks as data-yubin-fold, and no class or id", () => {
    const { html } = sanitizeHtml(
      `<div>Thanks!</div><div class="gmail_signature">Bob</div>` +
        `<div class="gmail_quote gmail_quote_container"><div class="gmail_attr">On Mon, Hanako wrote:</div><blockquote class="gmail_quote">Hello</blockquote></div>` +
        `<div id="divRplyFwdMsg"><b>From:</b> Hanako</div><div>Old body</div>`,
      options,
    );
    expect(html).toContain('<div data-yubin-fold="signature">Bob</div>');
    expect(html).toContain(
      '<div data-yubin-fold="quote"><div>On Mon, Hanako wrote:</div><blockquote data-yubin-fold="quote">',
    );
    expect(html).toContain('<div data-yubin-fold="history"><b>From:</b> Hanako</div>');
    expect(html).not.toMatch(/class=|id=/);
  });

  it("drops a sender's own data-yubin-fold", () => {
    const { html } = sanitizeHtml(`<p data-yubin-fold="quote">mine</p>`, options);
    expect(html).toBe("<p>mine</p>");
  });
});

describe("foldQuotes", () => {
  it("puts the toggle where the first folded part begins, inside the body the checkbox governs", () => {
    const html = foldQuotes("<p>Thanks!</p><blockquote><p>Hello</p></blockquote>", 'Show "quoted" text');
    expect(html).toBe(
      '<input type="checkbox" id="yubin-fold" class="yubin-fold" aria-label="Show &quot;quoted&quot; text">' +
        '<div class="yubin-body"><p>Thanks!</p><label for="yubin-fold" class="yubin-toggle" title="Show &quot;quoted&quot; text">…</label>' +
        "<blockquote><p>Hello</p></blockquote></div>",
    );
    expect(foldQuotes('<p>a</p><div data-yubin-fold="history">b</div>', "x")).toContain(
      '<p>a</p><label for="yubin-fold" class="yubin-toggle" title="x">…</label><div data-yubin-fold="history">',
    );
  });

  it("leaves HTML with nothing to fold as it is", () => {
    expect(foldQuotes("<p>Just text, mentioning a blockquote</p>", "x")).toBe(
      "<p>Just text, mentioning a blockquote</p>",
    );
  });
});
