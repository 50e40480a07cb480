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
      ownMailbox: { select: { address: true } },
    },
  });
  return users.map(({ ownMailbox, ...user }) => ({ ...user, personalMailbox: ownMailbox?.address ?? null }));
}
