// IMAP keywords and Yubin's conversation tags are one thing (issue 11): a
// tag is a keyword on every message of its conversation, and a keyword a
// client sets tags the conversation. Two exceptions stay on the message:
// system flags, and keywords starting with "$" — mail clients' own
// bookkeeping ($Forwarded, $MDNSent, $Junk, $label1…) that a team should
// not see as tags.
//
// A keyword is an atom (RFC 9051 §9: ASCII without spaces, parentheses,
// quotes, "%", "*", "\" or "]"), a tag is free text ("請求書", "VIP customer"),
// so tag names that are not atoms travel in modified UTF-7 (RFC 3501 §5.1.3,
// as mailbox names do) with every character an atom cannot hold inside the
// base64 part: "VIP customer" is "VIP&ACA-customer". Decoding is the
// inverse, so a client that sets the keyword it was shown sets the tag.
import { normalizeTagName } from "../../server/tags/tag-name.ts";
import { decodeModifiedUtf7 } from "./parser/modified-utf7.ts";

/** Flags the folder entry keeps; everything else is a tag name. */
export function isEntryFlag(flag: string): boolean {
  return flag.startsWith("\\") || flag.startsWith("$");
}

/** The tag a keyword means, or null when it cannot be a tag name (it then stays on the message). */
export function tagOfKeyword(keyword: string): string | null {
  if (isEntryFlag(keyword)) return null;
  const name = decodeModifiedUtf7(keyword);
  if (name === null) return null;
  try {
    return normalizeTagName(name) === name ? name : null;
  } catch {
    return null;
  }
}

const cache = new Map<string, string>();

export function keywordOfTag(name: string): string {
  let keyword = cache.get(name);
  if (keyword === undefined) {
    keyword = encode(name);
    if (cache.size > 10_000) cache.clear();
    cache.set(name, keyword);
  }
  return keyword;
}

// Atom characters other than "&" (which starts an encoded run).
const PLAIN = /^[!#$'+,\-./0-9:;<=>?@A-Z[^_`a-z|}~]$/;

function encode(name: string): string {
  let out = "";
  let pending = "";
  const flush = () => {
    if (!pending) return;
    const bytes = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) bytes.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${bytes.toString("base64").replace(/=+$/, "").replace(/\//g, ",")}-`;
    pending = "";
  };
  for (let i = 0; i < name.length; i++) {
    const char = name[i] as string;
    // A leading "$" would read back as client bookkeeping: it goes encoded.
    if (PLAIN.test(char) && !(i === 0 && char === "$")) {
      flush();
      out += char;
    } else if (char === "&") {
      flush();
      out += "&-";
    } else {
      pending += char;
    }
  }
  flush();
  return out;
}

/** Splits what a client asked for into the entry's flags and tag names. */
export function splitFlags(flags: readonly string[]): { flags: string[]; tags: string[] } {
  const entry: string[] = [];
  const tags: string[] = [];
  for (const flag of flags) {
    const tag = tagOfKeyword(flag);
    if (tag === null) entry.push(flag);
    else tags.push(tag);
  }
  return { flags: entry, tags };
}

export function imapFlags(entry: { flags: string[]; tags: string[] }): string[] {
  return entry.tags.length === 0 ? entry.flags : [...entry.flags, ...entry.tags.map(keywordOfTag)];
}
