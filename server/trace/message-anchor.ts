// Where to look for a stored message's trace: its Message-ID, and a time
// range from shortly before it arrived (or was sent) to as long after as one
// search may reach, which covers a reply's delivery attempts and retries.
import { sql } from "../db/raw-sql.ts";
import { TRACE_MAX_RANGE_DAYS } from "../limits.ts";

const DAY_MS = 24 * 3600_000;

export interface MessageAnchor {
  messageIdHeader: string | null;
  since: Date;
  until: Date;
}

/** For an admin following a message to its trace (the "Trace" link of a conversation); null when there is no such message. */
export async function messageTraceAnchor(messageId: number): Promise<MessageAnchor | null> {
  if (!Number.isSafeInteger(messageId) || messageId < 1 || messageId > 2147483647) return null;
  const [row] = await sql.$queryRaw<{ messageIdHeader: string | null; internalDate: Date }[]>`
    select "messageIdHeader", "internalDate" from "Message" where id = ${messageId}::int`;
  if (!row) return null;
  const since = new Date(row.internalDate.getTime() - DAY_MS);
  return {
    messageIdHeader: row.messageIdHeader,
    since,
    until: new Date(since.getTime() + TRACE_MAX_RANGE_DAYS * DAY_MS),
  };
}
