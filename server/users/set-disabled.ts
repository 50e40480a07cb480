// Disabling a user: no sign-in, no protocol login (protocol-credentials.ts
// refuses a disabled user's password and app passwords alike), open IMAP,
// POP3 and SMTP sessions see no mailbox from their next command on
// (gate.ts mailboxesForLogin), every web session ends at once
// (end-sessions.ts) and live streams close (access-events.ts), and
// round-robin skips them. Enabling lets them sign in again. The last
// enabled admin cannot be disabled (last-admin.ts).
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { notifyAccessChanged } from "../realtime/access-events.ts";
import { endSessionsTx } from "./end-sessions.ts";
import { ADMIN_TRANSACTION, lockUserTx, type UserRef } from "./find-user.ts";
import { assertAnotherAdminTx } from "./last-admin.ts";

export const DISABLE_SELF = "You cannot disable your own account.";

export async function setUserDisabled(input: {
  user: UserRef;
  disabled: boolean;
  actorId: number | null;
  ip?: string | null;
}): Promise<{ email: string; disabled: boolean }> {
  return db().$transaction(async (tx) => {
    const user = await lockUserTx(tx, input.user);
    // An admin who could lock themselves out could leave nobody to undo it.
    if (input.disabled && user.id === input.actorId) throw new InputError(DISABLE_SELF);
    if (user.disabled === input.disabled) return { email: user.email, disabled: user.disabled };
    if (input.disabled && user.role === "admin") await assertAnotherAdminTx(tx, user.id);
    await tx.user.update({ where: { id: user.id }, data: { disabled: input.disabled }, select: { id: true } });
    if (input.disabled) await endSessionsTx(tx, user.id);
    await notifyAccessChanged(tx, [user.id]);
    await recordAudit(
      {
        actorId: input.actorId,
        action: input.disabled ? "user.disable" : "user.enable",
        subjectType: "user",
        subjectId: user.id,
        before: { disabled: user.disabled },
        after: { disabled: input.disabled },
        ip: input.ip,
      },
      tx,
    );
    return { email: user.email, disabled: input.disabled };
  }, ADMIN_TRANSACTION);
}
