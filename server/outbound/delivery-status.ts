// Delivery state of a sent message for display beside it (the conversation
// view): one summary and the state of each remote recipient.
import { db } from "../db.ts";
import type { RecipientState } from "./queue-types.ts";

export type DisplayState = "local" | "queued" | "sent" | "deferred" | "bounced";

export interface DeliveryStatus {
  state: DisplayState;
  recipients: { address: string; state: RecipientState; reply: string | null; nextAttemptAt: Date | null }[];
  /** For "deferred" and "bounced": the last reply that explains it. */
  reason: string | null;
}

/** `messageId` is the stored copy (Message.id) returned by sendMessage/submitMessage. */
export async function deliveryStatus(messageId: number): Promise<DeliveryStatus> {
  const jobs = await db().deliveryJob.findMany({
    where: { outboundMessage: { storedMessageId: messageId } },
    orderBy: { id: "asc" },
  });
  const recipients = jobs.flatMap((job) =>
    (job.recipients as unknown as { address: string; state: RecipientState; reply?: string }[]).map((r) => ({
      address: r.address,
      state: r.state,
      reply: r.reply ?? null,
      nextAttemptAt: r.state === "pending" ? job.nextAttemptAt : null,
    })),
  );
  if (recipients.length === 0) return { state: "local", recipients, reason: null };
  const failed = recipients.find((r) => r.state === "bounced" || r.state === "expired");
  const waiting = recipients.filter((r) => r.state === "pending");
  const tried = jobs.some((j) => j.attempts > 0);
  const state: DisplayState = failed
    ? "bounced"
    : waiting.length === 0
      ? "sent"
      : waiting.some((r) => r.reply)
        ? "deferred"
        : tried
          ? "deferred"
          : "queued";
  const reason = failed?.reply ?? waiting.find((r) => r.reply)?.reply ?? null;
  return { state, recipients, reason: state === "sent" || state === "queued" ? null : reason };
}
