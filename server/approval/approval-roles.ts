// Approval (確認者), per mailbox: a member whose Membership.needsApproval is
// set has their replies held for a reviewer; a member whose
// Membership.reviewer is set (or an admin who is a member) approves or
// returns them. Memberships through a team count like direct ones (the
// gate's MAILBOX_ACCESS carries each way in with its switches).

import { MAILBOX_ACCESS } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";

export interface ApprovalRole {
  member: boolean;
  needsApproval: boolean;
  reviewer: boolean;
}

export async function approvalRole(input: { userId: number; mailboxId: number }): Promise<ApprovalRole> {
  const [row] = await sql.$queryRaw<{ ways: number; needsApproval: boolean; reviewer: boolean; admin: boolean }[]>`
    select count(a."mailboxId")::int as ways, coalesce(bool_or(a."needsApproval"), false) as "needsApproval",
      coalesce(bool_or(a.reviewer), false) as reviewer,
      coalesce((select role = 'admin' from "User" where id = ${input.userId}::int), false) as admin
    from ${MAILBOX_ACCESS} a where a."mailboxId" = ${input.mailboxId}::int and a."userId" = ${input.userId}::int`;
  const member = (row?.ways ?? 0) > 0;
  return {
    member,
    needsApproval: member && (row?.needsApproval ?? false),
    reviewer: member && ((row?.admin ?? false) || (row?.reviewer ?? false)),
  };
}

/** The mailboxes the user reviews: a reviewer membership, or any membership of an admin. */
export async function reviewedMailboxIds(userId: number): Promise<number[]> {
  const rows = await sql.$queryRaw<{ mailboxId: number }[]>`
    select distinct a."mailboxId" from ${MAILBOX_ACCESS} a join "User" u on u.id = a."userId"
    where a."userId" = ${userId}::int and (a.reviewer or u.role = 'admin')
    order by 1`;
  return rows.map((r) => r.mailboxId);
}
