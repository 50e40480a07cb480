// IMAP flags an mbox keeps in its messages' Status and X-Status fields
// (written by mutt, Thunderbird, Pine and Dovecot's mbox driver): R read,
// A answered, F flagged. O (old) and D (deleted) are not kept: an imported
// message is neither new to IMAP nor waiting for EXPUNGE.
const HEADER_SCAN_BYTES = 64 * 1024;

export function statusFlags(raw: Buffer): string[] {
  const head = raw.toString("latin1", 0, Math.min(raw.length, HEADER_SCAN_BYTES));
  const end = head.search(/\r?\n\r?\n/);
  const header = end < 0 ? head : head.slice(0, end);
  const status = /^Status:[ \t]*([A-Za-z]*)/im.exec(header)?.[1] ?? "";
  const xStatus = /^X-Status:[ \t]*([A-Za-z]*)/im.exec(header)?.[1] ?? "";
  const flags: string[] = [];
  if (status.includes("R")) flags.push("\\Seen");
  if (xStatus.includes("A")) flags.push("\\Answered");
  if (xStatus.includes("F")) flags.push("\\Flagged");
  return flags;
}
