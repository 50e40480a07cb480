import { db } from "../db.ts";

/** Every mailbox with its members and usage, for the admin pages. */
export async function listMailboxes() {
  const mailboxes = await db().mailbox.findMany({
    orderBy: { address: "asc" },
    select: {
      id: true,
      address: true,
      displayName: true,
      kind: true,
      usedBytes: true,
      usedMessages: true,
      quotaBytes: true,
      memberships: {
        orderBy: { id: "asc" },
        select: { user: { select: { email: true } }, team: { select: { name: true } } },
      },
    },
  });
  return mailboxes.map(({ memberships, ...m }) => ({
    ...m,
    usedBytes: Number(m.usedBytes),
    quotaBytes: m.quotaBytes === null ? null : Number(m.quotaBytes),
    members: memberships
      .flatMap((ms) => [ms.user?.email, ms.team ? `team ${ms.team.name}` : undefined])
      .filter((x): x is string => !!x),
  }));
}
