// Quoted history and signatures of an HTML message, folded behind "…" inside
// the sandboxed frame. The frame runs no scripts, so the toggle is a checkbox
// and its label: while unchecked, CSS hides every <blockquote> and what the
// sanitiser marked with data-yubin-fold (server/mime/sanitize-html.ts). The
// label goes where the first folded part begins, so "…" shows where the
// history was.

const FIRST_FOLDED = /<blockquote\b|<[a-z][a-z0-9]*\s[^>]*\bdata-yubin-fold="/i;

export const FOLD_STYLE = `
  .yubin-fold { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
  .yubin-fold:not(:checked) ~ .yubin-body blockquote,
  .yubin-fold:not(:checked) ~ .yubin-body [data-yubin-fold],
  .yubin-fold:not(:checked) ~ .yubin-body [data-yubin-fold="history"] ~ * { display: none; }
  .yubin-toggle { display: inline-block; margin: 4px 0; padding: 0 8px; border-radius: 4px; background: #f5f5f4;
    color: #64748b; cursor: pointer; line-height: 20px; user-select: none; }
  .yubin-toggle:hover { background: #e7e5e4; }
  .yubin-fold:focus-visible ~ .yubin-body .yubin-toggle { outline: 2px solid #94a3b8; }
  .yubin-fold:checked ~ .yubin-body .yubin-toggle { background: transparent; }
`;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** `html` is the sanitiser's output; `label` names the toggle ("Show quoted text"). */
export function foldQuotes(html: string, label: string): string {
  const first = FIRST_FOLDED.exec(html);
  if (!first) return html;
  const name = escapeAttribute(label);
  const toggle = `<label for="yubin-fold" class="yubin-toggle" title="${name}">…</label>`;
  return `<input type="checkbox" id="yubin-fold" class="yubin-fold" aria-label="${name}"><div class="yubin-body">${html.slice(0, first.index)}${toggle}${html.slice(first.index)}</div>`;
}
