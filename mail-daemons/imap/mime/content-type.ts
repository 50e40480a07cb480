// Structured MIME header values (RFC 2045 §5.1 Content-Type, RFC 2183
// Content-Disposition): a token and ";"-separated parameters. Values stay as
// the raw header had them (RFC 2231 continuations included): BODYSTRUCTURE
// passes parameters through and the client decodes them (RFC 9051 §7.5.2).

export interface StructuredValue {
  /** Lower-cased token before the first ";", e.g. "text/plain" or "attachment". */
  value: string;
  params: Array<[string, string]>;
}

export function parseStructured(raw: string): StructuredValue {
  const text = stripComments(raw);
  const semicolon = indexOutsideQuotes(text, ";");
  const value = (semicolon < 0 ? text : text.slice(0, semicolon)).trim().toLowerCase();
  const params: Array<[string, string]> = [];
  let rest = semicolon < 0 ? "" : text.slice(semicolon + 1);
  while (rest.length > 0) {
    const end = indexOutsideQuotes(rest, ";");
    const piece = (end < 0 ? rest : rest.slice(0, end)).trim();
    rest = end < 0 ? "" : rest.slice(end + 1);
    const equals = piece.indexOf("=");
    if (equals <= 0) continue;
    const name = piece.slice(0, equals).trim();
    let paramValue = piece.slice(equals + 1).trim();
    if (paramValue.startsWith('"')) paramValue = unquote(paramValue);
    if (name) params.push([name, paramValue]);
  }
  return { value, params };
}

export function param(structured: StructuredValue, name: string): string | null {
  const lower = name.toLowerCase();
  return structured.params.find(([key]) => key.toLowerCase() === lower)?.[1] ?? null;
}

function unquote(quoted: string): string {
  let out = "";
  for (let i = 1; i < quoted.length; i++) {
    const char = quoted[i] as string;
    if (char === '"') break;
    if (char === "\\" && i + 1 < quoted.length) {
      out += quoted[++i];
      continue;
    }
    out += char;
  }
  return out;
}

function indexOutsideQuotes(text: string, target: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\" && quoted) i += 1;
    else if (char === '"') quoted = !quoted;
    else if (char === target && !quoted) return i;
  }
  return -1;
}

/** RFC 5322 §3.2.2 comments "(...)", nested, outside quoted strings. */
export function stripComments(text: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (depth === 0 && char === '"') quoted = !quoted;
    if (quoted) {
      out += char;
      if (char === "\\" && i + 1 < text.length) out += text[++i];
      continue;
    }
    if (char === "\\" && depth > 0) {
      i += 1;
      continue;
    }
    if (char === "(") depth += 1;
    else if (char === ")" && depth > 0) depth -= 1;
    else if (depth === 0) out += char;
  }
  return out;
}
