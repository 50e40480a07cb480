// Saved replies offered in a mailbox's composer, and the management lists.

import type { AuthorizedMailboxId } from "../access/gate.ts";
import { memberMailboxIds } from "../access/gate.ts";
import { db } from "../db.ts";

export interface SavedReplyItem {
  id: number;
  title: string;
  body: string;
  mailbox: { id: number; address: string } | null;
}

const select = { id: true, title: true, body: true, mailboxId: true } as const;

async function withMailboxes(rows: { id: number; title: string; body: string; mailboxId: number | null }[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.mailboxId ? [r.mailboxId] : [])))];
  const mailboxes = await db().mailbox.findMany({ where: { id: { in: ids } }, select: { id: true, address: true } });
  const byId = new Map(mailboxes.map((m) => [m.id, m]));
  return rows.map(({ mailboxId, ...r }) => ({ ...r, mailbox: (mailboxId && byId.get(mailboxId)) || null }));
}

/** The mailbox's own saved replies and the global ones, by title. */
export async function savedRepliesFor(mailboxId: AuthorizedMailboxId): Promise<SavedReplyItem[]> {
  const rows = await db().savedReply.findMany({
    where: { OR: [{ mailboxId }, { mailboxId: null }] },
    orderBy: [{ title: "asc" }, { id: "asc" }],
    select,
  });
  return withMailboxes(rows);
}

/** What the management page lists: everything for an admin, a member's mailboxes' (and the global ones, read-only) otherwise. */
export async function manageableSavedReplies(actor: {
  id: number;
  role: "admin" | "agent";
}): Promise<SavedReplyItem[]> {
  const where =
    actor.role === "admin"
      ? {}
      : { OR: [{ mailboxId: { in: await memberMailboxIds(actor.id) } }, { mailboxId: null }] };
  const rows = await db().savedReply.findMany({ where, orderBy: [{ title: "asc" }, { id: "asc" }], select });
  return withMailboxes(rows);
}
