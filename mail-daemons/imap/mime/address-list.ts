// RFC 5322 §3.4 address lists, leniently, for ENVELOPE (RFC 9051 §7.5.2):
// each address becomes (name adl mailbox host); a group is framed by
// (NIL NIL "group" NIL) ... (NIL NIL NIL NIL). Strings stay raw (latin1),
// encoded-words included: the client decodes them.
import { stripComments } from "./content-type.ts";

export type EnvelopeAddress =
  | { kind: "mailbox"; name: string | null; mailbox: string | null; host: string | null }
  | { kind: "group-start"; name: string }
  | { kind: "group-end" };

export function parseAddressList(raw: string): EnvelopeAddress[] {
  const out: EnvelopeAddress[] = [];
  let inGroup = false;
  let start = 0;
  const mailbox = (end: number) => {
    const text = raw.slice(start, end);
    if (stripComments(text).trim()) out.push(parseMailbox(text));
  };
  scanTopLevel(raw, (char, i) => {
    if (char === ",") mailbox(i);
    else if (char === ":" && !inGroup) {
      out.push({ kind: "group-start", name: displayName(raw.slice(start, i)) ?? "" });
      inGroup = true;
    } else if (char === ";" && inGroup) {
      mailbox(i);
      out.push({ kind: "group-end" });
      inGroup = false;
    } else return;
    start = i + 1;
  });
  mailbox(raw.length);
  if (inGroup) out.push({ kind: "group-end" });
  return out;
}

function parseMailbox(text: string): EnvelopeAddress {
  const open = indexOutside(text, "<");
  let name: string | null = null;
  let spec: string;
  if (open >= 0) {
    name = displayName(text.slice(0, open));
    const close = text.indexOf(">", open);
    spec = text.slice(open + 1, close < 0 ? undefined : close);
    // RFC 5322 §4.4 obsolete route "@a,@b:user@host": the route is the adl.
    const routeEnd = spec.lastIndexOf(":");
    if (routeEnd >= 0 && spec.startsWith("@")) spec = spec.slice(routeEnd + 1);
  } else {
    spec = stripComments(text);
    // "user@host (Name)": the comment is the name, as many clients show it.
    const comment = /\(([^()]*)\)\s*$/.exec(text);
    if (comment?.[1]?.trim()) name = comment[1].trim();
  }
  spec = spec.trim();
  const at = spec.lastIndexOf("@");
  const local = at < 0 ? spec : spec.slice(0, at);
  const host = at < 0 ? null : spec.slice(at + 1).trim();
  return { kind: "mailbox", name, mailbox: local.trim() || null, host: host || null };
}

function displayName(text: string): string | null {
  const stripped = stripComments(text).trim();
  if (!stripped) return null;
  if (stripped.startsWith('"') && stripped.endsWith('"') && stripped.length >= 2)
    return stripped.slice(1, -1).replace(/\\(.)/g, "$1");
  return stripped.replace(/\s+/g, " ");
}

/** Calls `visit` for each character outside quotes, comments and angle brackets. */
function scanTopLevel(text: string, visit: (char: string, index: number) => void): void {
  let quoted = false;
  let angle = 0;
  let comment = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "\\") {
      i += 1;
      continue;
    }
    if (char === '"' && comment === 0) quoted = !quoted;
    else if (quoted) continue;
    else if (char === "(") comment += 1;
    else if (char === ")" && comment > 0) comment -= 1;
    else if (comment > 0) continue;
    else if (char === "<") angle += 1;
    else if (char === ">" && angle > 0) angle -= 1;
    else if (angle === 0) visit(char, i);
  }
}

function indexOutside(text: string, target: string): number {
  let found = -1;
  let quoted = false;
  let comment = 0;
  for (let i = 0; i < text.length && found < 0; i++) {
    const char = text[i];
    if (char === "\\") i += 1;
    else if (char === '"' && comment === 0) quoted = !quoted;
    else if (quoted) continue;
    else if (char === "(") comment += 1;
    else if (char === ")" && comment > 0) comment -= 1;
    else if (char === target && comment === 0) found = i;
  }
  return found;
}
