// An admin changes a user's name or role. Role changes apply on the user's
// next request (the session re-reads the role, session-user.ts); the last
// enabled admin cannot be demoted (last-admin.ts).
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_USER_NAME_CHARS } from "../limits.ts";
import { ADMIN_TRANSACTION, lockUserTx, type UserRef } from "./find-user.ts";
import { assertAnotherAdminTx } from "./last-admin.ts";

export function nameProblem(name: string): string | null {
  if (!name.trim()) return "name is required";
  if (name.trim().length > MAX_USER_NAME_CHARS) return `name must be at most ${MAX_USER_NAME_CHARS} characters`;
  return null;
}

export async function editUser(input: {
  user: UserRef;
  name?: string;
  role?: "admin" | "agent";
  actorId: number | null;
  ip?: string | null;
}): Promise<{ id: number; email: string; name: string; role: "admin" | "agent" }> {
  if (input.name !== undefined) {
    const problem = nameProblem(input.name);
    if (problem) throw new InputError(problem);
  }
  return db().$transaction(async (tx) => {
    const user = await lockUserTx(tx, input.user);
    const data: { name?: string; role?: "admin" | "agent" } = {};
    if (input.name !== undefined && input.name.trim() !== user.name) data.name = input.name.trim();
    if (input.role !== undefined && input.role !== user.role) data.role = input.role;
    if (data.role === "agent" && !user.disabled) await assertAnotherAdminTx(tx, user.id);
    if (Object.keys(data).length === 0) return { id: user.id, email: user.email, name: user.name, role: user.role };
    const updated = await tx.user.update({
      where: { id: user.id },
      data,
      select: { id: true, email: true, name: true, role: true },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.edit",
        subjectType: "user",
        subjectId: user.id,
        before: Object.fromEntries(Object.keys(data).map((k) => [k, user[k as keyof typeof data]])),
        after: data,
        ip: input.ip,
      },
      tx,
    );
    return updated;
  }, ADMIN_TRANSACTION);
}
