// Approval (確認者), per mailbox: a member whose Membership.needsApproval is
// set has their composer replies held for a reviewer; a member whose
// Membership.reviewer is set (or an admin who is a member) approves or
// returns them. Memberships through a team count like direct ones.

import { membershipOf } from "../access/authorized-mailbox.ts";
import { db } from "../db.ts";

export interface ApprovalRole {
  member: boolean;
  needsApproval: boolean;
  reviewer: boolean;
}

export async function approvalRole(input: { userId: number; mailboxId: number }): Promise<ApprovalRole> {
  const [memberships, user] = await Promise.all([
    db().membership.findMany({
      where: { mailboxId: input.mailboxId, ...membershipOf(input.userId) },
      select: { needsApproval: true, reviewer: true },
    }),
    db().user.findUnique({ where: { id: input.userId }, select: { role: true } }),
  ]);
  const member = memberships.length > 0;
  return {
    member,
    needsApproval: memberships.some((m) => m.needsApproval),
    reviewer: member && (user?.role === "admin" || memberships.some((m) => m.reviewer)),
  };
}

/** The mailboxes the user reviews: a reviewer membership, or any membership of an admin. */
export async function reviewedMailboxIds(userId: number): Promise<number[]> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { role: true } });
  const memberships = await db().membership.findMany({
    where: { ...membershipOf(userId), ...(user?.role === "admin" ? {} : { reviewer: true }) },
    select: { mailboxId: true },
  });
  return [...new Set(memberships.map((m) => m.mailboxId))];
}
