// Splits a plain-text message into what the sender wrote and what the reader
// has seen before: quoted history (">" lines and the "On … wrote:" line that
// introduces them, or an Outlook "-----Original Message-----" block) and a
// signature (RFC 3676 §4.3: the line "-- " starts it). The conversation view
// folds the latter behind "…". Pure, so the server renders it and a unit test
// pins it.

export type TextPart = { kind: "text" | "quote" | "signature"; text: string };

/** An attribution line: "On Mon, 1 Jan 2024, Hanako <h@x> wrote:", Japanese mailers' "…さんは書きました:". */
const ATTRIBUTION = /^(On\s.+\swrote|.+(書きました|書き込みました|のメッセージ))\s*[:：]\s*$/;
/** "On … wrote:" wrapped onto two lines by the sender's mailer. */
const ATTRIBUTION_START = /^On\s.+/;
const ATTRIBUTION_END = /.*\swrote\s*:\s*$/;
/** Outlook's and Japanese Outlook's quoted-history separators: everything below is history. */
const ORIGINAL =
  /^\s*(-{2,}\s*(Original Message|Forwarded message|元のメッセージ|転送されたメッセージ)\s*-{2,}|_{10,})\s*$/i;
const QUOTED = /^\s*>/;
/** Signatures longer than this are not folded: a "-- " line that far up is more likely part of the text. */
const MAX_SIGNATURE_LINES = 15;

export function splitQuotedText(text: string): TextPart[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kinds: TextPart["kind"][] = lines.map(() => "text");
  // Outlook history: from the separator down.
  const original = lines.findIndex((line) => ORIGINAL.test(line));
  const end = original === -1 ? lines.length : original;
  for (let i = end; i < lines.length; i++) kinds[i] = "quote";
  // The signature: the last "-- " line above the history, when what follows is short.
  for (let i = end - 1; i >= 0; i--) {
    if (lines[i] === "-- " || lines[i] === "--") {
      if (end - i <= MAX_SIGNATURE_LINES && lines[i] === "-- ") for (let j = i; j < end; j++) kinds[j] = "signature";
      break;
    }
  }
  for (let i = 0; i < end; i++) {
    if (kinds[i] !== "text") continue;
    const line = lines[i] as string;
    if (QUOTED.test(line)) {
      kinds[i] = "quote";
      continue;
    }
    // An attribution counts only when quoted lines follow it (blank lines between allowed).
    const oneLine = ATTRIBUTION.test(line);
    const twoLines = !oneLine && ATTRIBUTION_START.test(line) && ATTRIBUTION_END.test(lines[i + 1] ?? "");
    if (!oneLine && !twoLines) continue;
    let next = i + (twoLines ? 2 : 1);
    while (next < end && (lines[next] as string).trim() === "") next++;
    if (next < end && QUOTED.test(lines[next] as string)) {
      for (let j = i; j < next; j++) kinds[j] = "quote";
    }
  }
  // Blank lines between two quoted stretches belong to the quote, not to a text part of their own.
  for (let i = 0; i < lines.length; i++) {
    if (kinds[i] !== "text" || (lines[i] as string).trim() !== "") continue;
    let j = i;
    while (j < lines.length && kinds[j] === "text" && (lines[j] as string).trim() === "") j++;
    if (i > 0 && kinds[i - 1] !== "text" && (j === lines.length || kinds[j] === kinds[i - 1])) {
      for (let k = i; k < j; k++) kinds[k] = kinds[i - 1] as TextPart["kind"];
    }
    i = j;
  }
  const parts: TextPart[] = [];
  lines.forEach((line, i) => {
    const kind = kinds[i] as TextPart["kind"];
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += `\n${line}`;
    else parts.push({ kind, text: line });
  });
  // Trailing blank lines of a text part only push the "…" down.
  for (const part of parts) if (part.kind === "text") part.text = part.text.replace(/\s+$/, "");
  return parts.filter((part) => part.kind !== "text" || part.text !== "");
}

/** The first words of what the sender wrote, for a collapsed message's one line. */
export function firstWords(text: string | null, max = 140): string {
  if (!text) return "";
  const own = splitQuotedText(text)
    .filter((p) => p.kind === "text")
    .map((p) => p.text)
    .join(" ");
  const flat = own.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
