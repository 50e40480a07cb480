// What a file really is, for the in-page preview only: a preview is served
// with the type its first bytes prove, never the type the sender declared.
// Only raster images a browser decodes without running anything, and PDF
// (shown in a sandboxed frame). SVG is deliberately absent: it is markup
// that can carry script, and it has no magic bytes to prove anything.

export type PreviewType = "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "application/pdf";

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

export function sniffPreviewType(bytes: Uint8Array): PreviewType | null {
  // PNG: 89 50 4E 47 0D 0A 1A 0A (PNG spec §5.2).
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  // JPEG: SOI FF D8 then a marker FF xx.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  // WebP: a RIFF container of form type WEBP.
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  // PDF: "%PDF-" at the start (ISO 32000-1 §7.5.2; readers tolerate a little junk before it, we do not).
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  return null;
}

/** Whether a declared type or name suggests a preview worth offering (the server still decides by the bytes). */
export function mayPreview(contentType: string, filename: string | null): "image" | "pdf" | null {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const name = (filename ?? "").toLowerCase();
  if (/^image\/(png|jpeg|pjpeg|gif|webp)$/.test(type) || /\.(png|jpe?g|gif|webp)$/.test(name)) return "image";
  if (type === "application/pdf" || name.endsWith(".pdf")) return "pdf";
  return null;
}
