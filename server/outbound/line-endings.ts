// RFC 5321 §2.3.8: in SMTP, CR and LF appear only together. A submission
// client that sends a bare one gets it turned into CRLF here (the MX turns bare
// LFs into CRLF too but refuses the shapes SMTP smuggling needs; a submission
// client is our own user, so even those are repaired).
// After this, "<LF>.<LF>" is an ordinary line holding one dot, which the
// outbound client dot-stuffs, so every receiver sees exactly one message.

export function normalizeLineEndings(raw: Buffer): Buffer {
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (byte === 0x0d ? raw[i + 1] !== 0x0a : byte === 0x0a && raw[i - 1] !== 0x0d) {
      clean = false;
      break;
    }
  }
  if (clean) return raw;
  return Buffer.from(raw.toString("latin1").replace(/\r\n|\r|\n/g, "\r\n"), "latin1");
}
