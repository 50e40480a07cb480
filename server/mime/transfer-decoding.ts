/**
 * Undoes a Content-Transfer-Encoding (RFC 2045 §6) leniently, for sniffing a
 * part's charset; mailparser does the real decoding. Unknown encodings are
 * treated as identity, as RFC 2045 §6.4 suggests for display.
 */
export function decodeTransferEncoding(body: Buffer, encoding: string | null): Buffer {
  if (encoding === "base64") return Buffer.from(body.toString("latin1"), "base64");
  if (encoding !== "quoted-printable") return body;
  // RFC 2045 §6.7: "=" CRLF is a soft line break, =XX an octet.
  const text = body
    .toString("latin1")
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(text, "latin1");
}
