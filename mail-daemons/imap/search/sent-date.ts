// SENTBEFORE/SENTON/SENTSINCE (RFC 9051 §6.4.4) compare the day written in
// the Date header, "disregarding time and timezone".
import { parseHeaderFields, splitHeaderBlock } from "../../../server/mime/header-block.ts";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** "YYYY-MM-DD" from the Date header (RFC 5322 §3.3), or null when it has none or it is unreadable. */
export function sentDay(header: Buffer): string | null {
  const { headerEnd } = splitHeaderBlock(header);
  const value = parseHeaderFields(header.toString("latin1", 0, headerEnd)).find(
    (field) => field.name === "date",
  )?.value;
  if (!value) return null;
  const match = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value);
  if (!match) return null;
  const month = MONTHS.indexOf((match[2] as string).toLowerCase());
  if (month < 0) return null;
  let year = Number(match[3]);
  // RFC 5322 §4.3: two-digit years below 50 are 20xx, others 19xx.
  if (year < 100) year += year < 50 ? 2000 : 1900;
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(Number(match[1])).padStart(2, "0")}`;
}
