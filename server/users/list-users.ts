import { db } from "../db.ts";

/** Every user, for the admin pages; never the password hash. */
export async function listUsers() {
  const users = await db().user.findMany({
    orderBy: { email: "asc" },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      createdAt: true,
      lastSignInAt: true,
      passwordHash: true,
      ownMailbox: { select: { address: true } },
    },
  });
  // The hash itself never leaves: only whether there is one (an invited user has none yet).
  return users.map(({ ownMailbox, passwordHash, ...user }) => ({
    ...user,
    invited: passwordHash === "",
    personalMailbox: ownMailbox?.address ?? null,
  }));
}
