// A mailbox id that has been checked against the caller's memberships. The
// brand makes the check a type: code that reads or writes a mailbox on behalf
// of a person takes an AuthorizedMailboxId, and only authorizeMailbox below
// can make one, so an id straight from a URL or a form cannot reach it.
import { db } from "../db.ts";

declare const authorized: unique symbol;

/** The Membership rows that let a user into a mailbox: their own, or their team's. */
export function membershipOf(userId: number) {
  return { OR: [{ userId }, { team: { members: { some: { userId } } } }] };
}
export type AuthorizedMailboxId = number & { readonly [authorized]: true };

/**
 * Proves that the user may work in the mailbox: a direct membership or one
 * through a team. Admins get no exception. Returns null alike for a mailbox
 * that does not exist and one the user may not see, so callers cannot tell
 * them apart.
 */
export async function authorizeMailbox(input: {
  userId: number;
  mailboxId: number;
}): Promise<AuthorizedMailboxId | null> {
  const membership = await db().membership.findFirst({
    where: { mailboxId: input.mailboxId, ...membershipOf(input.userId) },
    select: { mailboxId: true },
  });
  return membership ? (membership.mailboxId as AuthorizedMailboxId) : null;
}
