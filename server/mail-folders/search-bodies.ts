// SEARCH BODY (RFC 9051 §6.4.4): a case-insensitive substring of the decoded
// body text, which the write path stored when it parsed the message (so a
// Japanese word finds ISO-2022-JP, Shift_JIS or base64 mail alike). One
// statement over the folder's entries; header keys are matched by the caller
// on the header blocks (read-messages.ts).
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export async function searchBodies(input: {
  mailboxIds: readonly AuthorizedMailboxId[];
  folderId: number;
  uids: readonly number[];
  value: string;
}): Promise<Set<number>> {
  const rows = await sql.$queryRaw<{ uid: number }[]>`
    select fm.uid
    from "Folder" f join "FolderMessage" fm on fm."folderId" = f.id join "Message" m on m.id = fm."messageId"
    where f.id = ${input.folderId}::int and f."mailboxId" = any(${input.mailboxIds}::int[])
      and fm.uid = any(${input.uids}::int[])
      and (strpos(lower(coalesce(m."textBody", '')), lower(${input.value})) > 0
        or (m."textBody" is null and strpos(lower(coalesce(m."htmlBody", '')), lower(${input.value})) > 0))`;
  return new Set(rows.map((row) => row.uid));
}
