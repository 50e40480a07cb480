// The mailboxes a protocol login may use, asked again at every IMAP command
// so that a removed member or a disabled user stops at once. The rule is
// membershipOf (authorized-mailbox.ts), the one membership check; this only
// narrows it to the one mailbox of a mailbox-scoped app password. The gate
// being built in server/access/ replaces this with its own function for
// protocol logins; the shape is the same.
import { db } from "../db.ts";
import { type AuthorizedMailboxId, membershipOf } from "./authorized-mailbox.ts";

export interface LoginMailbox {
  mailboxId: AuthorizedMailboxId;
  address: string;
  kind: "personal" | "shared";
  /** The user's own personal mailbox. */
  own: boolean;
}

export async function loginMailboxes(login: {
  userId: number;
  /** Set for a mailbox-scoped app password: the only mailbox the session may use. */
  mailboxId: number | null;
}): Promise<LoginMailbox[]> {
  const [rows, user] = await Promise.all([
    db().mailbox.findMany({
      where: {
        ...(login.mailboxId === null ? {} : { id: login.mailboxId }),
        memberships: { some: membershipOf(login.userId) },
      },
      orderBy: { address: "asc" },
      select: { id: true, address: true, kind: true, userId: true },
    }),
    db().user.findUnique({ where: { id: login.userId }, select: { disabled: true } }),
  ]);
  // A disabled user's sessions see nothing from their next command on.
  if (!user || user.disabled) return [];
  return rows.map((row) => ({
    mailboxId: row.id as AuthorizedMailboxId,
    address: row.address,
    kind: row.kind,
    own: row.userId === login.userId,
  }));
}
