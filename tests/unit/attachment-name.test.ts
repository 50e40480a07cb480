// Sender-chosen attachment names: bidi overrides and other hidden characters
// are shown as visible escapes, never obeyed, and a long name is cut in the
// middle so that its extension stays in view — on the page and in downloads.
import { describe, expect, it } from "vitest";
import { contentDisposition } from "../../app/api/messages/download-headers.ts";
import {
  downloadName,
  MAX_DOWNLOAD_NAME,
  MAX_SHOWN_NAME,
  shownAttachmentName,
} from "../../app/components/attachment-name.ts";

describe("shownAttachmentName", () => {
  it("shows a right-to-left override escaped, so invoice‮fdp.exe does not read as invoiceexe.pdf", () => {
    expect(shownAttachmentName("invoice\u202Efdp.exe")).toBe("invoice⟨U+202E⟩fdp.exe");
  });

  it("escapes every bidi control, zero-width and control character", () => {
    const hidden = ["\u200E", "\u200F", "\u061C", "\u202A", "\u202B", "\u202C", "\u202D", "\u2066", "\u2067", "\u2068"];
    const more = ["\u2069", "\u200B", "\u200D", "\uFEFF", "\u0000", "\u001B", "\u0085"];
    for (const c of [...hidden, ...more]) {
      const shown = shownAttachmentName(`a${c}b.txt`);
      expect(shown).toMatch(/^a⟨U\+[0-9A-F]{4}⟩b\.txt$/);
      expect(shown).not.toContain(c);
    }
  });

  it("keeps Japanese names and ordinary right-to-left script as they are", () => {
    expect(shownAttachmentName("請求書 2026年11月.pdf")).toBe("請求書 2026年11月.pdf");
    expect(shownAttachmentName("מסמך.pdf")).toBe("מסמך.pdf");
  });

  it("cuts a long name in the middle, keeping the extension", () => {
    const shown = shownAttachmentName(`${"a".repeat(500)}.exe`);
    expect([...shown].length).toBe(MAX_SHOWN_NAME);
    expect(shown).toMatch(/…a+\.exe$/);
    // Counted in characters, not UTF-16 units: no half emoji.
    const emoji = shownAttachmentName(`${"😀".repeat(200)}.png`);
    expect([...emoji].length).toBe(MAX_SHOWN_NAME);
    expect(emoji).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
  });
});

describe("download names", () => {
  it("replaces hidden characters and caps the length", () => {
    expect(downloadName("invoice\u202Efdp.exe")).toBe("invoice_fdp.exe");
    expect([...downloadName(`${"b".repeat(1000)}.pdf`)].length).toBe(MAX_DOWNLOAD_NAME);
  });

  it("never puts a bidi control into Content-Disposition", () => {
    const header = contentDisposition("attachment", "invoice\u202Efdp.exe");
    expect(header).toBe(`attachment; filename="invoice_fdp.exe"; filename*=UTF-8''invoice_fdp.exe`);
    expect(decodeURIComponent(header.split("''")[1] as string)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  });
});
