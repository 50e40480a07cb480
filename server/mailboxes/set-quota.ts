import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "./address.ts";

/** Sets a mailbox's byte quota (null = unlimited). Mail already stored stays; new mail over it is refused. */
export async function setQuota(input: { address: string; quotaBytes: number | null; actorId: number | null }) {
  const { address } = normalizeAddress(input.address);
  return db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where: { address } });
    if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
    const updated = await tx.mailbox.update({
      where: { id: mailbox.id },
      data: { quotaBytes: input.quotaBytes == null ? null : BigInt(input.quotaBytes) },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "mailbox.quota",
        subjectType: "mailbox",
        subjectId: mailbox.id,
        before: { quotaBytes: mailbox.quotaBytes === null ? null : Number(mailbox.quotaBytes) },
        after: { quotaBytes: input.quotaBytes },
      },
      tx,
    );
    return updated;
  });
}
