// A bare LF becomes CRLF, as SMTP delivery stores mail (README "Inbound
// mail"): .eml files saved on Unix often have LF line endings. A message that
// already has CRLF only is returned as it is, so a Yubin export comes back
// byte for byte.
const LF = 0x0a;
const CR = 0x0d;

export function withCrlf(raw: Buffer): Buffer {
  let bare = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) if (raw[i - 1] !== CR) bare++;
  if (bare === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + bare);
  let o = 0;
  let from = 0;
  for (let i = raw.indexOf(LF); i >= 0; i = raw.indexOf(LF, i + 1)) {
    if (raw[i - 1] === CR) continue;
    o += raw.copy(out, o, from, i);
    out[o++] = CR;
    out[o++] = LF;
    from = i + 1;
  }
  raw.copy(out, o, from);
  return out;
}

/** Nothing but white space (an empty .eml, a From_ line with nothing after it). */
export function blankBytes(raw: Buffer): boolean {
  for (const byte of raw) if (byte !== 0x20 && byte !== 0x09 && byte !== CR && byte !== LF) return false;
  return true;
}
