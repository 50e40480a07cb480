// One message as an mboxrd entry (RFC 4155 and the mboxrd convention that
// mbox-reader.ts undoes): its From_ line, the message with every line that
// matches ^>*From  given one more '>', and a blank line. The message's own
// bytes are otherwise untouched, so what mbox-reader.ts reads back is the
// stored message byte for byte — provided it ends with a line break, as every
// message received over SMTP does (one that does not gains one; the zip of
// .eml keeps every message exact).

const GT = Buffer.from(">");
const LF = 0x0a;

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** asctime in UTC: "Thu Jan  5 03:07:14 2023". */
export function asctime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, " ")} ${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/** The From_ line's sender: an address without spaces, or MAILER-DAEMON (as for mail without one). */
function envelopeSender(address: string): string {
  const printable = [...address].every((c) => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) !== 0x7f && !/\s/.test(c));
  return address.length > 0 && address.length <= 320 && printable ? address : "MAILER-DAEMON";
}

/** True when the line at `at` matches ^>*From . */
function needsQuote(raw: Buffer, at: number): boolean {
  let i = at;
  while (i < raw.length && raw[i] === 0x3e) i++;
  return (
    raw.length - i >= 5 &&
    raw[i] === 0x46 &&
    raw[i + 1] === 0x72 &&
    raw[i + 2] === 0x6f &&
    raw[i + 3] === 0x6d &&
    raw[i + 4] === 0x20
  );
}

/** The pieces of one mbox entry, in order; their bytes written one after the other make the entry. */
export function mboxEntry(message: { raw: Buffer; sender: string; date: Date }): Buffer[] {
  const { raw } = message;
  const eol = raw.includes("\r\n") ? "\r\n" : "\n";
  const pieces: Buffer[] = [Buffer.from(`From ${envelopeSender(message.sender)} ${asctime(message.date)}${eol}`)];
  let lineStart = 0;
  let copied = 0;
  while (lineStart < raw.length) {
    if (needsQuote(raw, lineStart)) {
      pieces.push(raw.subarray(copied, lineStart), GT);
      copied = lineStart;
    }
    const newline = raw.indexOf(LF, lineStart);
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  pieces.push(raw.subarray(copied));
  if (raw.length > 0 && raw[raw.length - 1] !== LF) pieces.push(Buffer.from(eol));
  pieces.push(Buffer.from(eol));
  return pieces;
}
