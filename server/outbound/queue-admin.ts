// What `yubin queue` shows and does: list jobs that are not settled (and,
// with `all`, the settled ones too), retry one now, or drop one.
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import type { RecipientStatus } from "./queue-types.ts";

export interface QueueEntry {
  id: number;
  outboundMessageId: number;
  mailFrom: string;
  domain: string;
  state: string;
  attempts: number;
  recipients: RecipientStatus[];
  nextAttemptAt: Date;
  lastReply: string | null;
  createdAt: Date;
}

export async function listQueue(options: { all?: boolean; limit?: number } = {}): Promise<QueueEntry[]> {
  const jobs = await db().deliveryJob.findMany({
    where: options.all ? {} : { state: { in: ["queued", "deferred"] } },
    orderBy: { id: "asc" },
    take: options.limit ?? 1000,
    include: { outboundMessage: { select: { mailFrom: true } } },
  });
  return jobs.map((j) => ({
    id: j.id,
    outboundMessageId: j.outboundMessageId,
    mailFrom: j.outboundMessage.mailFrom,
    domain: j.domain,
    state: j.state,
    attempts: j.attempts,
    recipients: j.recipients as unknown as RecipientStatus[],
    nextAttemptAt: j.nextAttemptAt,
    lastReply: j.lastReply,
    createdAt: j.createdAt,
  }));
}

/** Makes a waiting job due now (a worker's lease, if any, is left alone). */
export async function retryJob(id: number): Promise<void> {
  const updated = await db().deliveryJob.updateMany({
    where: { id, state: { in: ["queued", "deferred"] } },
    data: { nextAttemptAt: new Date() },
  });
  if (updated.count === 0) throw new InputError(`no queued job ${id}`, "not_found");
  await db().$executeRaw`select pg_notify('yubin_outbound', '')`;
}

/** Removes a job without delivering it or telling the sender. */
export async function dropJob(id: number): Promise<void> {
  const deleted = await db().deliveryJob.deleteMany({ where: { id } });
  if (deleted.count === 0) throw new InputError(`no job ${id}`, "not_found");
}
