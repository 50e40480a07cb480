import type { AuthorizedMailboxId } from "../access/gate.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";

/** What a member sees about a mailbox: address, kind, usage, folders. Byte counts as numbers (JSON has no bigint). */
export async function mailboxSummary(mailboxId: AuthorizedMailboxId) {
  const mailbox = await db().mailbox.findUnique({
    where: { id: mailboxId },
    select: {
      id: true,
      address: true,
      displayName: true,
      kind: true,
      usedBytes: true,
      usedMessages: true,
      quotaBytes: true,
      folders: { orderBy: { id: "asc" }, select: { id: true, name: true, specialUse: true } },
    },
  });
  // Deleted between the membership check and this read.
  if (!mailbox) throw new InputError("no such mailbox", "not_found");
  return {
    ...mailbox,
    usedBytes: Number(mailbox.usedBytes),
    quotaBytes: mailbox.quotaBytes === null ? null : Number(mailbox.quotaBytes),
  };
}
