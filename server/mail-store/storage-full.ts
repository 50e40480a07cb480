// "The disk is full" from wherever it surfaces: PostgreSQL's SQLSTATE 53100
// (disk_full) when the database cannot extend a table or write its WAL, or
// Node's ENOSPC for a file. Both are temporary for a mail server: RFC 5321
// §4.2.2 answers 452 "insufficient system storage" (RFC 3463 X.3.1 "mail
// system full"), the sender keeps the message and retries, and nothing was
// stored. The error may arrive wrapped (Prisma's driver adapter keeps the
// database's code in `cause`/`meta`), so the chain is searched, a few levels
// deep.

const DISK_FULL_SQLSTATE = "53100";
const NO_SPACE = /No space left on device|could not extend file|could not write to file/i;

export function isStorageFull(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== "object" || depth > 4) return false;
  const e = error as Record<string, unknown>;
  for (const key of ["code", "originalCode", "sqlState"]) {
    const code = e[key];
    if (code === DISK_FULL_SQLSTATE || code === "ENOSPC") return true;
  }
  if (typeof e.message === "string" && NO_SPACE.test(e.message)) return true;
  return ["cause", "meta", "driverAdapterError"].some((key) => isStorageFull(e[key], depth + 1));
}
