// How unlike real text a decoding looks, for choosing among the charsets raw
// bytes might be in (charset.ts sniffCharset). Wrong guesses have tell-tale
// shapes: Latin-1 bytes read as CP932 pair an accented letter with its
// neighbour into one kanji in the middle of a Latin word ("Forma鈬o"), or a
// lone half-width katakana there ("MﾜLLER"); CJK bytes read as Windows-1252
// become runs of symbols and accented capitals with no ASCII letter beside
// them ("‚Å‚·", "ÆüËÜ¸ì"), while Greek or Cyrillic words are runs of 8-bit
// letters of one script. 0 is perfectly plausible.

const ASCII_LETTER = /[A-Za-z]/;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const HALF_WIDTH_KANA = /[\uff61-\uff9f]/;
const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;
// Private-use and unassigned code points: what CP932's user-defined rows and gaps decode to.
const UNASSIGNED = /[\p{Co}\p{Cn}]/u;

/** Judging the first characters is enough, and bounds the work on long bodies. */
const JUDGED_CHARS = 8192;

export function implausibility(text: string): number {
  const chars = Array.from(text.length > JUDGED_CHARS ? text.slice(0, JUDGED_CHARS) : text);
  let score = 0;
  chars.forEach((char, i) => {
    if (char < "\x80" && !isControl(char)) return;
    const before = chars[i - 1] ?? "";
    const after = chars[i + 1] ?? "";
    const asciiLetterBeside = ASCII_LETTER.test(before) || ASCII_LETTER.test(after);
    const insideLatinWord = ASCII_LETTER.test(before) && ASCII_LETTER.test(after);
    if (isControl(char)) score += 10;
    else if (UNASSIGNED.test(char)) score += 5;
    else if (HALF_WIDTH_KANA.test(char)) score += insideLatinWord ? 4 : 1;
    else if (CJK.test(char)) score += insideLatinWord ? 3 : 0;
    else if (LATIN.test(char)) score += asciiLetterBeside || isPlainSpace(before) || isPlainSpace(after) ? 0 : 1;
    // Other alphabets (Greek, Cyrillic, …) write whole words of 8-bit letters.
    else if (LETTER.test(char)) score += sameScript(char, before) || sameScript(char, after) ? 0 : 1;
    // A symbol (¤ ¸ ‚ …) is plausible between ASCII text, not inside a run of 8-bit characters.
    else score += before >= "\x80" || after >= "\x80" ? 2 : 0;
  });
  return score;
}

/** C0 and C1 controls other than tab and line ends, and the replacement character. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) as number;
  if (code === 0x09 || code === 0x0a || code === 0x0d) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0xfffd;
}

function sameScript(char: string, other: string): boolean {
  if (isPlainSpace(other)) return true;
  for (const script of SCRIPTS) if (script.test(char)) return script.test(other);
  return false;
}
const SCRIPTS = ["Greek", "Cyrillic", "Hebrew", "Arabic", "Thai", "Armenian", "Georgian"].map(
  (script) => new RegExp(`\\p{Script=${script}}`, "u"),
);

function isPlainSpace(char: string): boolean {
  return char === "" || char === " " || char === "\t" || char === "\n" || char === "\r";
}
