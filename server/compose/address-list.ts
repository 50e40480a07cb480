// The composer's To/Cc/Bcc fields: "Name <a@b>, c@d" as people type them.
// Pure, so the browser checks a field as it is typed and the server checks
// the same way before anything is built.
export type ListedAddress = { name: string; address: string };

// Deliberately loose (RFC 5321 local parts are wild): one @, no spaces or
// brackets, a dot-free host is allowed for intranet names. The receiving MX
// is the authority on whether the mailbox exists.
const ADDRESS =
  /^[^\s@<>(),;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * Splits on commas and semicolons that are not inside quotes or angle
 * brackets. Inside quotes a backslash escapes the next character (RFC 5322
 * §3.2.4 quoted-pair), so a name may hold a quote.
 */
function entries(field: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  let angle = false;
  let escaped = false;
  for (const ch of field) {
    if (escaped) {
      escaped = false;
      current += ch;
      continue;
    }
    if (quoted && ch === "\\") escaped = true;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "<") angle = true;
    else if (!quoted && ch === ">") angle = false;
    if (!quoted && !angle && (ch === "," || ch === ";")) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out.map((e) => e.trim()).filter(Boolean);
}

/** The addresses of a field, or the first entry that is not an address. */
export function parseAddressList(field: string): { ok: true; list: ListedAddress[] } | { ok: false; bad: string } {
  const list: ListedAddress[] = [];
  for (const entry of entries(field)) {
    const bracketed = /^(.*)<([^<>]*)>$/.exec(entry);
    const address = (bracketed ? (bracketed[2] ?? "") : entry).trim();
    const name = bracketed ? unquote((bracketed[1] ?? "").trim()).trim() : "";
    if (!ADDRESS.test(address)) return { ok: false, bad: entry };
    list.push({ name, address });
  }
  return { ok: true, list };
}

/** A display name typed in quotes, with its quoted-pairs undone. */
function unquote(name: string): string {
  const quoted = /^"((?:[^"\\]|\\.)*)"$/s.exec(name);
  return quoted ? (quoted[1] ?? "").replace(/\\(.)/gs, "$1") : name;
}

/**
 * How a list is written back into a field: a name with an RFC 5322 special
 * (§3.2.3) that would change how the field reads goes in quotes (a "." or
 * "[" does not: obs-phrase allows "J. Smith" as it is typed), its quotes and backslashes as quoted-pairs, so
 * that parseAddressList() — and any RFC 5322 reader of a header built from
 * it — reads the same name back (tests/fuzz/address-parser.test.ts).
 */
export function formatAddressList(list: ListedAddress[]): string {
  return list.map(({ name, address }) => (name ? `${quoteName(name)} <${address}>` : address)).join(", ");
}

function quoteName(name: string): string {
  return /[()<>:;@\\,"]/.test(name) ? `"${name.replace(/["\\]/g, "\\$&")}"` : name;
}
