import iconv from "iconv-lite";

const ESC = 0x1b;
const SO = 0x0e;
const SI = 0x0f;

type Mode = "ascii" | "jis0208" | "jis0212" | "kana";

// RFC 1468 designations, plus those Microsoft's CP50221/CP50222 write: half-width
// katakana after ESC ( I or between SO and SI. JIS X 0212 (ESC $ ( D) comes
// from RFC 2237's ISO-2022-JP-1 and is harmless to accept.
const DESIGNATIONS: Array<[string, Mode]> = [
  ["$B", "jis0208"],
  ["$@", "jis0208"],
  ["$(B", "jis0208"],
  ["$(D", "jis0212"],
  ["(B", "ascii"],
  ["(J", "ascii"],
  ["(I", "kana"],
];

const isGraphic = (byte: number | undefined) => byte !== undefined && byte >= 0x21 && byte <= 0x7e;

/**
 * Decodes ISO-2022-JP as the CP5022x superset: the bytes are rewritten as
 * EUC-JP (same JIS rows, high bit set) and decoded with iconv-lite's EUC-JP
 * table, which carries NEC row 13 (① ㈱ Ⅰ ㍉) and the IBM extensions in rows
 * 89-92 (髙 﨑) that a strict JIS X 0208 decoder turns into garbage.
 */
export function decodeIso2022jp(bytes: Uint8Array): string {
  const out: number[] = [];
  let mode: Mode = "ascii";
  let shiftedOut = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === ESC) {
      const designation = DESIGNATIONS.find(([seq]) => matchesAt(bytes, i + 1, seq));
      if (designation) {
        mode = designation[1];
        i += designation[0].length;
        continue;
      }
    }
    if (byte === SO || byte === SI) {
      shiftedOut = byte === SO;
      continue;
    }
    const next = bytes[i + 1];
    if ((shiftedOut || mode === "kana") && byte >= 0x21 && byte <= 0x5f) {
      out.push(0x8e, byte | 0x80);
    } else if (byte >= 0xa1 && byte <= 0xdf) {
      // "JIS8": some mailers send half-width katakana as raw 8-bit bytes.
      out.push(0x8e, byte);
    } else if (mode === "jis0208" && isGraphic(byte) && isGraphic(next)) {
      out.push(byte | 0x80, (next as number) | 0x80);
      i++;
    } else if (mode === "jis0212" && isGraphic(byte) && isGraphic(next)) {
      out.push(0x8f, byte | 0x80, (next as number) | 0x80);
      i++;
    } else {
      out.push(byte);
    }
  }
  return iconv.decode(Buffer.from(out), "eucjp");
}

function matchesAt(bytes: Uint8Array, at: number, seq: string): boolean {
  for (let k = 0; k < seq.length; k++) {
    if (bytes[at + k] !== seq.charCodeAt(k)) return false;
  }
  return true;
}
