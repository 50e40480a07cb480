// Notes written by code that does not fill Note.searchVector yet (or before
// search existed) are indexed here, a batch at a time, before a search
// runs. addNote fills it in its own transaction, so this normally finds
// nothing; it then rests for a minute instead of looking on every search.
import { db } from "../db.ts";
import { noteSearchTokens } from "./tokens.ts";

let notesCheckedAt = 0;
const NOTE_RECHECK_MS = 60_000;

export async function indexPendingNotes(options: { force?: boolean } = {}): Promise<number> {
  if (!options.force && Date.now() - notesCheckedAt < NOTE_RECHECK_MS) return 0;
  let total = 0;
  for (;;) {
    const pending = await db().$queryRaw<{ id: number; body: string }[]>`
      select id, body from "Note" where "searchVector" is null order by id limit 500`;
    if (pending.length === 0) break;
    await db().$transaction(
      pending.map(
        (n) =>
          db().$executeRaw`update "Note" set "searchVector" = array_to_tsvector(${noteSearchTokens(n.body)}::text[])
            where id = ${n.id} and "searchVector" is null`,
      ),
    );
    total += pending.length;
    if (pending.length < 500) break;
  }
  notesCheckedAt = Date.now();
  return total;
}
