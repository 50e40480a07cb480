// Step 4 of storing a copy, only for a new conversation of a round-robin
// mailbox: hand it to the next agent in turn.
import { logError } from "../cluster/error-log.ts";
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { assignRoundRobin } from "../workflow/round-robin.ts";

export async function assignNewConversation(
  tx: RawSql,
  input: { mailboxId: number; conversationId: number },
): Promise<void> {
  const assign = (t: RawSql) => assignRoundRobin(t, input);
  if (tx !== sql) {
    await assign(tx);
    return;
  }
  // On the one-statement path (tx is the pool) the mail is already
  // committed, so this runs in its own transaction and a failure leaves the
  // conversation Unassigned, not the mail lost.
  await sqlTransaction(assign).catch((e: Error) => {
    console.error(`round-robin: ${e.message}`);
    logError(`round-robin: ${e.message}`);
  });
}
