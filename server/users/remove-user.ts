// Removing a user. Their personal mailbox is never deleted with them: the
// admin chooses explicitly to keep it (it becomes a shared mailbox with no
// members, still receiving mail, for an admin to give to someone later) or
// to hand it to another user (the same, with that user as its member).
// Memberships, app passwords, sessions and links go with the user (foreign
// keys cascade); conversations assigned to them become unassigned and their
// notes stay, without an author. The last enabled admin cannot be removed.
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { notifyAccessChanged } from "../realtime/access-events.ts";
import { ADMIN_TRANSACTION, lockUserTx, type UserRef, userWhere } from "./find-user.ts";
import { assertAnotherAdminTx } from "./last-admin.ts";

export const REMOVE_SELF = "You cannot remove your own account.";
export const CHOOSE_MAILBOX = "Choose what happens to the personal mailbox: keep it or hand it to another user.";

export type PersonalMailboxFate = { keep: true } | { handTo: UserRef };

export async function removeUser(input: {
  user: UserRef;
  /** Required when the user has a personal mailbox. */
  mailbox?: PersonalMailboxFate;
  actorId: number | null;
  ip?: string | null;
}): Promise<{ email: string; mailbox: string | null; handedTo: string | null }> {
  return db().$transaction(async (tx) => {
    const user = await lockUserTx(tx, input.user);
    if (user.id === input.actorId) throw new InputError(REMOVE_SELF);
    if (user.role === "admin" && !user.disabled) await assertAnotherAdminTx(tx, user.id);
    const own = await tx.mailbox.findUnique({ where: { userId: user.id }, select: { id: true, address: true } });
    let handedTo: { id: number; email: string } | null = null;
    if (own) {
      if (!input.mailbox) throw new InputError(CHOOSE_MAILBOX);
      if ("handTo" in input.mailbox) {
        const where = userWhere(input.mailbox.handTo);
        handedTo = await tx.user.findUnique({ where, select: { id: true, email: true } });
        if (!handedTo) throw new InputError("email" in where ? `no user ${where.email}` : "No such user.", "not_found");
        if (handedTo.id === user.id) throw new InputError("Hand the mailbox to someone other than the user removed.");
      }
      await tx.mailbox.update({ where: { id: own.id }, data: { kind: "shared", userId: null }, select: { id: true } });
      if (handedTo) {
        await tx.membership.upsert({
          where: { mailboxId_userId: { mailboxId: own.id, userId: handedTo.id } },
          create: { mailboxId: own.id, userId: handedTo.id },
          update: {},
        });
      }
    }
    await tx.user.delete({ where: { id: user.id } });
    await notifyAccessChanged(tx, handedTo ? [user.id, handedTo.id] : [user.id]);
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.remove",
        subjectType: "user",
        subjectId: user.id,
        before: { email: user.email, role: user.role },
        after: { mailbox: own?.address ?? null, handedTo: handedTo?.email ?? null },
        ip: input.ip,
      },
      tx,
    );
    return { email: user.email, mailbox: own?.address ?? null, handedTo: handedTo?.email ?? null };
  }, ADMIN_TRANSACTION);
}
