// Disabling a user: no sign-in, no protocol login, and every web session
// ends at once (end-sessions.ts). Enabling lets them sign in again.
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { bumpSessionVersionTx } from "./end-sessions.ts";

export const DISABLE_SELF = "You cannot disable your own account.";

export async function setUserDisabled(input: {
  user: { id: number } | { email: string };
  disabled: boolean;
  actorId: number | null;
  ip?: string | null;
}): Promise<{ email: string; disabled: boolean }> {
  const where = "id" in input.user ? { id: input.user.id } : { email: input.user.email.trim().toLowerCase() };
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where, select: { id: true, email: true, disabled: true } });
    if (!user) throw new InputError("email" in where ? `no user ${where.email}` : "No such user.", "not_found");
    // An admin who could lock themselves out could leave nobody to undo it.
    if (input.disabled && user.id === input.actorId) throw new InputError(DISABLE_SELF);
    if (user.disabled === input.disabled) return { email: user.email, disabled: user.disabled };
    await tx.user.update({ where: { id: user.id }, data: { disabled: input.disabled }, select: { id: true } });
    if (input.disabled) await bumpSessionVersionTx(tx, user.id);
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
  });
}
