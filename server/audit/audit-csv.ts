// The audit log as CSV (RFC 4180): a header line, one line per event, CRLF
// line ends, every field that needs it quoted with its quotes doubled. A cell
// that a spreadsheet would run as a formula (one starting with = + - @, or a
// tab or carriage return, as OWASP's CSV-injection guidance lists) is
// prefixed with a single quote, so that opening the export runs nothing an
// attacker typed as a login name. A UTF-8 byte order mark lets Excel read
// Japanese names as UTF-8.
import type { AuditRow } from "./search-audit.ts";

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: defused, then quoted if it holds a quote, a comma or a line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const AUDIT_CSV_HEADER = [
  "id",
  "time_utc",
  "actor_id",
  "actor_email",
  "actor_name",
  "action",
  "subject_type",
  "subject_id",
  "client_address",
  "before",
  "after",
] as const;

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export function auditCsv(rows: AuditRow[]): string {
  let out = `\uFEFF${csvLine([...AUDIT_CSV_HEADER])}`;
  for (const r of rows) {
    out += csvLine([
      r.id,
      r.at.toISOString(),
      r.actorId,
      r.actorEmail,
      r.actorName,
      r.action,
      r.subjectType,
      r.subjectId,
      r.ip,
      json(r.before),
      json(r.after),
    ]);
  }
  return out;
}
