// RFC 9051 §9 date ("1-Feb-1994", quoted or not) for SEARCH and date-time
// ("17-Jul-1996 02:44:25 -0700", always quoted) for APPEND.
import type { Cursor } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** A calendar day as "YYYY-MM-DD"; SEARCH compares days, not instants (RFC 9051 §6.4.4). */
export type CalendarDate = string;

export function parseSearchDate(cursor: Cursor): CalendarDate {
  const quoted = cursor.tryChar('"');
  const text = cursor.run((byte) => byte !== 0x22 && byte !== 0x20 && byte !== 0x29, "date");
  if (quoted) cursor.expectChar('"');
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = match ? MONTHS.indexOf((match[2] as string).toUpperCase()) : -1;
  if (!match || month < 0) throw new ParseError(`Bad date: ${text}`);
  const day = Number(match[1]);
  const year = Number(match[3]);
  if (!isRealDay(year, month, day)) throw new ParseError(`Bad date: ${text}`);
  return `${match[3]}-${pad(month + 1)}-${pad(day)}`;
}

/** date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
export function parseDateTime(cursor: Cursor): Date {
  const text = cursor.string().toString("latin1");
  const match = /^([ \d]?\d)-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = match ? MONTHS.indexOf((match[2] as string).toUpperCase()) : -1;
  if (!match || month < 0) throw new ParseError(`Bad date-time: ${text}`);
  const [, day, , year, hours, minutes, seconds, sign, zoneHours, zoneMinutes] = match;
  if (
    !isRealDay(Number(year), month, Number(day)) ||
    Number(hours) > 23 ||
    Number(minutes) > 59 ||
    Number(seconds) > 60
  )
    throw new ParseError(`Bad date-time: ${text}`);
  const offset = (sign === "-" ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hours), Number(minutes), Math.min(59, Number(seconds)));
  return new Date(utc - offset * 60_000);
}

/** INTERNALDATE as RFC 9051 §9 date-time, in UTC: "17-Jul-1996 09:44:25 +0000". */
export function formatDateTime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, " ");
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const month = MONTHS[date.getUTCMonth()] as string;
  return `${day}-${month[0]}${month.slice(1).toLowerCase()}-${date.getUTCFullYear()} ${time} +0000`;
}

function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month, day));
  return year >= 1 && date.getUTCMonth() === month && date.getUTCDate() === day;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
