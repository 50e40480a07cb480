// Attachment names are chosen by the sender. A right-to-left override
// (U+202E) makes "invoice\u202Efdp.exe" read as "invoiceexe.pdf"; other
// bidi and invisible format characters hide or reorder what the reader
// sees; a name of thousands of characters pushes everything else away.
// These helpers show such characters as visible escapes and cap the length,
// keeping the end, where the extension is.

// Bidi controls (Unicode UAX #9: LRM, RLM, ALM, LRE…RLO, LRI…PDI), zero
// widths, word joiners and invisible operators, the BOM, C0 and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** Characters of a name as the page shows it. */
export const MAX_SHOWN_NAME = 80;
/** Characters of a name given to the browser for a download. */
export const MAX_DOWNLOAD_NAME = 180;

function cap(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const tail = Math.min(20, Math.floor(max / 4));
  return `${chars.slice(0, max - tail - 1).join("")}…${chars.slice(-tail).join("")}`;
}

/** The name as the page shows it: hidden characters as ⟨U+XXXX⟩, at most MAX_SHOWN_NAME characters. */
export function shownAttachmentName(name: string): string {
  const escaped = name
    .normalize("NFC")
    .replace(HIDDEN, (c) => `⟨U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
  return cap(escaped, MAX_SHOWN_NAME);
}

/** The name for a download: hidden characters become "_", at most MAX_DOWNLOAD_NAME characters. */
export function downloadName(name: string): string {
  return cap(name.normalize("NFC").replace(HIDDEN, "_"), MAX_DOWNLOAD_NAME);
}
