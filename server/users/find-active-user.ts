import { db } from "../db.ts";

export interface ActiveUser {
  id: number;
  email: string;
  name: string;
  role: "admin" | "agent";
}

/**
 * The user behind a session, read fresh on every request: a session token
 * outlives a change of role or a disabled account, the database does not.
 */
export async function findActiveUser(id: number): Promise<ActiveUser | null> {
  const user = await db().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
