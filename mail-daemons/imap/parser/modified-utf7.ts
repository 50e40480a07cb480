// RFC 3501 §5.1.3: mailbox names on the wire are "modified UTF-7" unless the
// client has enabled UTF-8 (RFC 6855 UTF8=ACCEPT, or IMAP4rev2, RFC 9051
// §5.1, where names are UTF-8). "&" starts base64 of UTF-16 with "," for "/";
// "&-" is a literal "&".

export function decodeModifiedUtf7(name: string): string | null {
  let out = "";
  let i = 0;
  while (i < name.length) {
    const char = name[i] as string;
    if (char !== "&") {
      const code = char.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) return null;
      out += char;
      i += 1;
      continue;
    }
    const end = name.indexOf("-", i + 1);
    if (end < 0) return null;
    const encoded = name.slice(i + 1, end);
    i = end + 1;
    if (encoded === "") {
      out += "&";
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(encoded)) return null;
    const bytes = Buffer.from(encoded.replace(/,/g, "/"), "base64");
    if (bytes.length % 2 !== 0) return null;
    for (let b = 0; b < bytes.length; b += 2) out += String.fromCharCode(bytes.readUInt16BE(b));
  }
  return out;
}

export function encodeModifiedUtf7(name: string): string {
  let out = "";
  let pending = "";
  const flush = () => {
    if (!pending) return;
    const bytes = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) bytes.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${bytes.toString("base64").replace(/=+$/, "").replace(/\//g, ",")}-`;
    pending = "";
  };
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code >= 0x20 && code <= 0x7e) {
      flush();
      out += char === "&" ? "&-" : char;
    } else {
      pending += char;
    }
  }
  flush();
  return out;
}
