// PostgreSQL text and jsonb cannot hold U+0000, which a sender can put in
// any decoded place: "=00" in a quoted-printable body, in an encoded-word or
// in an RFC 2231 filename. Everything derived from a message is stored with
// U+FFFD in its place (the replacement character, as a decoder shows bytes it
// cannot render); the raw message stays byte-exact in its Blob.

const NUL = "\u0000";

export function withoutNul(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, "\ufffd") : text;
}

/** The same through every string of plain objects and arrays (dates and other values as they are). */
export function withoutNulDeep<T>(value: T): T {
  if (typeof value === "string") return withoutNul(value) as T;
  if (Array.isArray(value)) return value.map(withoutNulDeep) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) copy[key] = withoutNulDeep(field);
    return copy as T;
  }
  return value;
}
