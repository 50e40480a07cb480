// LIST patterns (RFC 9051 §6.3.9): "*" matches anything, "%" anything but
// the hierarchy delimiter; the reference is prefixed to the pattern. INBOX
// matches case-insensitively (§5.1).

export function listRegExp(reference: string, pattern: string): RegExp {
  const full = pattern.startsWith("/") || reference === "" ? pattern : `${reference}${pattern}`;
  const normalised = full.replace(/^inbox(?=$|\/)/i, "INBOX");
  let source = "";
  for (const char of normalised) {
    if (char === "*") source += ".*";
    else if (char === "%") source += "[^/]*";
    else source += char.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}
