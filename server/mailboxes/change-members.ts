// An admin adds members to a shared mailbox (with their approval roles,
// 確認者) and removes others, in one transaction with one audit event per
// mailbox. A removed member loses access at once: every door asks the gate
// on each request or command (server/access/gate.ts), and their live streams
// re-read their memberships when the change commits (access-events.ts), so
// no further event of the mailbox reaches them. Team memberships are not
// touched here. A personal mailbox's only member is its owner.

import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { notifyAccessChanged } from "../realtime/access-events.ts";
import { ADMIN_TRANSACTION } from "../users/find-user.ts";

export const PERSONAL_MEMBERS =
  "A personal mailbox belongs to its owner: only shared mailboxes have members to change.";

export interface NewMember {
  email: string;
  needsApproval?: boolean;
  reviewer?: boolean;
}

export async function changeMembers(input: {
  /** The mailbox, by id (the web) or address (the CLI). */
  mailbox: { id: number } | { address: string };
  add?: NewMember[];
  remove?: string[];
  actorId: number | null;
  ip?: string | null;
}): Promise<{ address: string; added: string[]; removed: string[]; members: string[] }> {
  const add = input.add ?? [];
  const remove = [...new Set((input.remove ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean))];
  if (add.length === 0 && remove.length === 0) throw new InputError("Name at least one member to add or remove.");
  const where =
    "id" in input.mailbox ? { id: input.mailbox.id } : { address: input.mailbox.address.trim().toLowerCase() };
  return db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where, select: { id: true, address: true, kind: true } });
    if (!mailbox)
      throw new InputError("address" in where ? `no mailbox ${where.address}` : "No such mailbox.", "not_found");
    if (mailbox.kind !== "shared") throw new InputError(PERSONAL_MEMBERS);
    // Serialises concurrent changes of one mailbox's members.
    await tx.$queryRaw`select id from "Mailbox" where id = ${mailbox.id} for update`;
    const emails = [...new Set([...add.map((m) => m.email.trim().toLowerCase()), ...remove])];
    const users = await tx.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
    const byEmail = new Map(users.map((u) => [u.email, u]));
    for (const email of emails) {
      if (!email) throw new InputError("email is required");
      if (!byEmail.has(email)) throw new InputError(`no user ${email}`, "not_found");
    }
    const both = add.find((m) => remove.includes(m.email.trim().toLowerCase()));
    if (both) throw new InputError(`${both.email.trim().toLowerCase()} is both added and removed`);
    const current = await tx.membership.findMany({
      where: { mailboxId: mailbox.id, userId: { not: null } },
      select: { id: true, userId: true },
    });
    const memberIds = new Set(current.map((m) => m.userId));
    const added: string[] = [];
    for (const member of add) {
      const user = byEmail.get(member.email.trim().toLowerCase()) as { id: number; email: string };
      if (memberIds.has(user.id))
        throw new InputError(`${user.email} is already a member of ${mailbox.address}`, "conflict");
      await tx.membership.create({
        data: {
          mailboxId: mailbox.id,
          userId: user.id,
          needsApproval: member.needsApproval ?? false,
          reviewer: member.reviewer ?? false,
        },
      });
      memberIds.add(user.id);
      added.push(user.email);
    }
    const removed: string[] = [];
    for (const email of remove) {
      const user = byEmail.get(email) as { id: number; email: string };
      if (!memberIds.has(user.id)) throw new InputError(`${user.email} is not a member of ${mailbox.address}`);
      await tx.membership.deleteMany({ where: { mailboxId: mailbox.id, userId: user.id } });
      removed.push(user.email);
    }
    await notifyAccessChanged(
      tx,
      [...add, ...remove.map((email) => ({ email }))].map(
        (m) => (byEmail.get(m.email.trim().toLowerCase()) as { id: number }).id,
      ),
    );
    await recordAudit(
      {
        actorId: input.actorId,
        action: "mailbox.members",
        subjectType: "mailbox",
        subjectId: mailbox.id,
        after: {
          added: add.map((m) => ({
            email: m.email.trim().toLowerCase(),
            needsApproval: !!m.needsApproval,
            reviewer: !!m.reviewer,
          })),
          removed,
        },
        ip: input.ip,
      },
      tx,
    );
    const members = await tx.membership.findMany({
      where: { mailboxId: mailbox.id, userId: { not: null } },
      orderBy: { id: "asc" },
      select: { user: { select: { email: true } } },
    });
    return { address: mailbox.address, added, removed, members: members.map((m) => m.user?.email ?? "") };
  }, ADMIN_TRANSACTION);
}
