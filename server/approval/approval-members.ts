// The admin's approval switches (確認者) per mailbox and member: whose replies
// need a reviewer, and who reviews. Only direct memberships have switches
// here; a team's membership carries its own.

import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";

export interface ApprovalMember {
  userId: number;
  name: string;
  email: string;
  needsApproval: boolean;
  reviewer: boolean;
}

/** The mailbox's direct members with their two switches, in the order they joined. */
export async function approvalMembers(mailboxId: number): Promise<ApprovalMember[]> {
  const rows = await db().membership.findMany({
    where: { mailboxId, userId: { not: null } },
    select: { userId: true, needsApproval: true, reviewer: true, user: { select: { name: true, email: true } } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({
    userId: r.userId as number,
    name: r.user?.name ?? "",
    email: r.user?.email ?? "",
    needsApproval: r.needsApproval,
    reviewer: r.reviewer,
  }));
}

/** Sets one member's switches (those given); the change and its audit event commit together. */
export async function setApprovalSwitches(input: {
  mailboxId: number;
  userId: number;
  needsApproval?: boolean;
  reviewer?: boolean;
  actorId: number;
  ip?: string | null;
}): Promise<void> {
  await db().$transaction(async (tx) => {
    // Locked, so the audit's "before" is what this change replaced.
    const [membership] = await tx.$queryRaw<{ id: number; needsApproval: boolean; reviewer: boolean }[]>`
      select id, "needsApproval", reviewer from "Membership"
      where "mailboxId" = ${input.mailboxId} and "userId" = ${input.userId}
      for update`;
    if (!membership) throw new InputError("No such member.", "not_found");
    const data = {
      ...(input.needsApproval !== undefined ? { needsApproval: input.needsApproval } : {}),
      ...(input.reviewer !== undefined ? { reviewer: input.reviewer } : {}),
    };
    await tx.membership.update({ where: { id: membership.id }, data });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "membership.approval",
        subjectType: "mailbox",
        subjectId: input.mailboxId,
        before: { userId: input.userId, needsApproval: membership.needsApproval, reviewer: membership.reviewer },
        after: { userId: input.userId, ...data },
        ip: input.ip,
      },
      tx,
    );
  });
}
