// Held replies (Approval, 確認者). A member whose replies need approval sends
// from the composer as usual; nothing leaves: the composer's payload is kept
// as a PendingReply. A reviewer approves it — it then goes out through
// sendReply exactly as the author's send would have, From the shared mailbox —
// or returns it with a comment for the author to edit and send again.
//
// Approving claims the row first (UPDATE … WHERE state = 'pending' RETURNING),
// so two reviewers clicking at once send once: the second is told it is
// already decided. A send that fails puts the row back to pending.
//
// Stale-send guard on approval: the reply was written against the messages
// there were when it was held. A message that arrived since holds the
// approval with the same "new activity" conflict the composer shows; the
// reviewer's second click (confirmNewActivity) sends anyway.

import { type AuthorizedMailboxId, authorizeMailbox } from "../access/authorized-mailbox.ts";
import { parseAddressList } from "../compose/address-list.ts";
import type { ComposeMode } from "../compose/reply-draft.ts";
import { draftWithSource } from "../compose/reply-draft.ts";
import { NEW_ACTIVITY_MESSAGE, sendReply } from "../compose/send-reply.ts";
import { recordConversationAudit } from "../conversations/conversation-audit.ts";
import { sql, sqlTransaction } from "../db/raw-sql.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { recordLiveEvent } from "../realtime/live-events.ts";
import { approvalRole, reviewedMailboxIds } from "./approval-roles.ts";

export const MAX_RETURN_COMMENT_CHARS = 5000;

/** What the composer sent, kept until a reviewer decides. */
export interface HeldPayload {
  messageId: number;
  mode: ComposeMode;
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  text: string;
  html?: string;
  attachments: { filename: string; contentType?: string; base64: string }[];
  forwardAttachments: number[];
  /** The conversation's newest message id when the reply was held (the approval's stale-send guard). */
  heldAfterMessageId: number;
}

export type PendingState = "pending" | "approved" | "returned";

export interface PendingReplyView {
  id: number;
  conversationId: number;
  mailboxId: number;
  state: PendingState;
  author: { id: number; name: string; email: string };
  reviewer: { id: number; name: string } | null;
  comment: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  sentMessageId: number | null;
  messageId: number;
  mode: ComposeMode;
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  attachmentNames: string[];
}

async function newestMessageId(conversationId: number): Promise<number> {
  const newest = await db().message.aggregate({ where: { conversationId }, _max: { id: true } });
  return newest._max.id ?? 0;
}

/**
 * Holds a composer send for approval. The author's own stale-send guard
 * applies as for a send; nothing is queued.
 */
export async function holdReply(input: {
  actorId: number;
  mailboxId: AuthorizedMailboxId;
  payload: Omit<HeldPayload, "heldAfterMessageId">;
  seenMessageId?: number;
  confirmNewActivity?: boolean;
  ip?: string | null;
}): Promise<{ pendingReplyId: number; conversationId: number }> {
  const { payload } = input;
  const found = await draftWithSource({ mailboxId: input.mailboxId, messageId: payload.messageId, mode: payload.mode });
  if (!found) throw new InputError("no such message", "not_found");
  const conversationId = found.draft.conversationId;
  const newest = await newestMessageId(conversationId);
  if (input.seenMessageId !== undefined && !input.confirmNewActivity && newest > input.seenMessageId) {
    throw new InputError(NEW_ACTIVITY_MESSAGE, "conflict");
  }
  for (const [label, field] of [
    ["To", payload.to],
    ["Cc", payload.cc],
    ["Bcc", payload.bcc],
  ] as const) {
    const parsed = parseAddressList(field ?? "");
    if (!parsed.ok) throw new InputError(`${label}: "${parsed.bad}" is not an email address`);
    if (label === "To" && parsed.list.length === 0) throw new InputError("To: add at least one recipient");
  }
  const stored: HeldPayload = { ...payload, heldAfterMessageId: newest };
  return sqlTransaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: number }[]>`
      insert into "PendingReply" ("conversationId", "mailboxId", "authorId", payload)
      values (${conversationId}, ${input.mailboxId}, ${input.actorId}, ${JSON.stringify(stored)}::jsonb)
      returning id`;
    const pendingReplyId = (row as { id: number }).id;
    await recordConversationAudit(tx, {
      actorId: input.actorId,
      action: "reply.held",
      conversationId,
      after: { pendingReplyId },
      ip: input.ip,
    });
    await recordLiveEvent(tx, {
      mailboxId: input.mailboxId,
      conversationId,
      kind: "reply.held",
      actorId: input.actorId,
      payload: { pendingReplyId },
    });
    return { pendingReplyId, conversationId };
  });
}

interface Row {
  id: number;
  conversationId: number;
  mailboxId: number;
  authorId: number;
  authorName: string;
  authorEmail: string;
  payload: HeldPayload;
  state: PendingState;
  reviewerId: number | null;
  reviewerName: string | null;
  comment: string | null;
  sentMessageId: number | null;
  createdAt: Date;
  decidedAt: Date | null;
}

function view(r: Row): PendingReplyView {
  return {
    id: r.id,
    conversationId: r.conversationId,
    mailboxId: r.mailboxId,
    state: r.state,
    author: { id: r.authorId, name: r.authorName, email: r.authorEmail },
    reviewer: r.reviewerId !== null ? { id: r.reviewerId, name: r.reviewerName ?? "" } : null,
    comment: r.comment,
    createdAt: r.createdAt,
    decidedAt: r.decidedAt,
    sentMessageId: r.sentMessageId,
    messageId: r.payload.messageId,
    mode: r.payload.mode,
    to: r.payload.to,
    cc: r.payload.cc ?? "",
    bcc: r.payload.bcc ?? "",
    subject: r.payload.subject,
    text: r.payload.text,
    attachmentNames: (r.payload.attachments ?? []).map((a) => a.filename),
  };
}

const SELECT = `
  select p.id, p."conversationId", p."mailboxId", p."authorId", a.name as "authorName", a.email as "authorEmail",
    p.payload, p.state::text as state, p."reviewerId", r.name as "reviewerName", p.comment, p."sentMessageId",
    p."createdAt", p."decidedAt"
  from "PendingReply" p join "User" a on a.id = p."authorId" left join "User" r on r.id = p."reviewerId"`;

/** The conversation's held replies, oldest first. The caller has proved membership of its mailbox. */
export async function conversationPendingReplies(conversationId: number): Promise<PendingReplyView[]> {
  const rows = await db().$queryRawUnsafe<Row[]>(
    `${SELECT} where p."conversationId" = $1 order by p."createdAt", p.id`,
    conversationId,
  );
  return rows.map(view);
}

/** Replies waiting for this reviewer (in every mailbox they review), oldest first; their own are left out. */
export async function reviewQueue(userId: number): Promise<(PendingReplyView & { conversationSubject: string })[]> {
  const mailboxIds = await reviewedMailboxIds(userId);
  if (mailboxIds.length === 0) return [];
  const rows = await db().$queryRawUnsafe<(Row & { conversationSubject: string | null })[]>(
    `select q.*, c.subject as "conversationSubject" from (${SELECT}
       where p."mailboxId" = any($1::int[]) and p.state = 'pending' and p."authorId" <> $2) q
     join "Conversation" c on c.id = q."conversationId"
     order by q."createdAt", q.id limit 500`,
    mailboxIds,
    userId,
  );
  return rows.map((r) => ({ ...view(r), conversationSubject: r.conversationSubject ?? "" }));
}

export async function reviewQueueCount(userId: number): Promise<number> {
  const mailboxIds = await reviewedMailboxIds(userId);
  if (mailboxIds.length === 0) return 0;
  return db().pendingReply.count({
    where: { mailboxId: { in: mailboxIds }, state: "pending", authorId: { not: userId } },
  });
}

/** Why the user may not decide on the reply, or null when they may. */
export type ReviewRefusal = "not_found" | "not_reviewer" | "own_reply";

async function reviewable(
  userId: number,
  pendingReplyId: number,
): Promise<
  | { row: { id: number; conversationId: number; mailboxId: AuthorizedMailboxId; authorId: number } }
  | { refusal: ReviewRefusal }
> {
  const row = await db().pendingReply.findUnique({
    where: { id: pendingReplyId },
    select: { id: true, conversationId: true, mailboxId: true, authorId: true },
  });
  if (!row) return { refusal: "not_found" };
  const mailboxId = await authorizeMailbox({ userId, mailboxId: row.mailboxId });
  if (!mailboxId) return { refusal: "not_found" };
  if (!(await approvalRole({ userId, mailboxId })).reviewer) return { refusal: "not_reviewer" };
  if (row.authorId === userId) return { refusal: "own_reply" };
  return { row: { ...row, mailboxId } };
}

export class ReviewRefused extends Error {
  constructor(readonly refusal: ReviewRefusal) {
    super(
      refusal === "not_found"
        ? "No such reply."
        : refusal === "own_reply"
          ? "You cannot approve or return your own reply."
          : "Only a reviewer of this mailbox may approve or return replies.",
    );
    this.name = "ReviewRefused";
  }
}

const ALREADY_DECIDED = "This reply has already been approved or returned.";

/** Sends a held reply as its author would have, recorded as approved by the reviewer. Sends once. */
export async function approveReply(input: {
  reviewerId: number;
  pendingReplyId: number;
  confirmNewActivity?: boolean;
  hostname: string;
  ip?: string | null;
  now?: Date;
}): Promise<{ messageId: number | null; conversationId: number }> {
  const found = await reviewable(input.reviewerId, input.pendingReplyId);
  if ("refusal" in found) throw new ReviewRefused(found.refusal);
  const { row } = found;
  // The author sends (send-as is checked for them), so they must still be a member.
  if (!(await authorizeMailbox({ userId: row.authorId, mailboxId: row.mailboxId }))) {
    throw new InputError("The author is no longer a member of this mailbox: return the reply instead.", "conflict");
  }
  // The claim: from here until the send commits the reply is "approved" with no
  // sentMessageId. The send's own transaction records sentMessageId, the audit
  // and the live event only if this claim still stands (decidedAt unchanged):
  // if releaseStalledApprovals gave the reply back meanwhile, this send rolls back.
  const [claimed] = await sql.$queryRaw<{ payload: HeldPayload; decidedAt: Date }[]>`
    update "PendingReply" set state = 'approved', "reviewerId" = ${input.reviewerId}, "decidedAt" = clock_timestamp()
    where id = ${row.id} and state = 'pending'
    returning payload, "decidedAt"`;
  if (!claimed) throw new InputError(ALREADY_DECIDED, "conflict");
  const p = claimed.payload;
  let sent: Awaited<ReturnType<typeof sendReply>>;
  try {
    sent = await sendReply({
      actorId: row.authorId,
      mailboxId: row.mailboxId,
      messageId: p.messageId,
      mode: p.mode,
      to: p.to,
      cc: p.cc,
      bcc: p.bcc,
      subject: p.subject,
      text: p.text,
      html: p.html,
      attachments: (p.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType || undefined,
        content: Buffer.from(a.base64, "base64"),
      })),
      forwardAttachments: p.forwardAttachments ?? [],
      seenMessageId: p.heldAfterMessageId,
      confirmNewActivity: input.confirmNewActivity,
      hostname: input.hostname,
      now: input.now,
      withinTransaction: async (tx, { storedMessageId }) => {
        const [held] = await tx.$queryRaw<{ id: number }[]>`
          update "PendingReply" set "sentMessageId" = ${storedMessageId}::int
          where id = ${row.id} and state = 'approved' and "sentMessageId" is null
            and "decidedAt" = ${claimed.decidedAt}::timestamptz
          returning id`;
        if (!held) throw new InputError(ALREADY_DECIDED, "conflict");
        await recordConversationAudit(tx, {
          actorId: input.reviewerId,
          action: "reply.approved",
          conversationId: row.conversationId,
          after: { pendingReplyId: row.id, authorId: row.authorId, messageId: storedMessageId },
          ip: input.ip,
        });
        await recordLiveEvent(tx, {
          mailboxId: row.mailboxId,
          conversationId: row.conversationId,
          kind: "reply.reviewed",
          actorId: input.reviewerId,
          payload: { pendingReplyId: row.id, state: "approved", messageId: storedMessageId },
        });
      },
    });
  } catch (e) {
    // Nothing was sent: the reply waits again (unless the claim was already given back).
    await sql.$queryRaw`
      update "PendingReply" set state = 'pending', "reviewerId" = null, "decidedAt" = null
      where id = ${row.id} and state = 'approved' and "sentMessageId" is null
        and "decidedAt" = ${claimed.decidedAt}::timestamptz`;
    throw e;
  }
  return { messageId: sent.messageId, conversationId: row.conversationId };
}

/** Sends a held reply back to its author with a comment; nothing is sent. */
export async function returnReply(input: {
  reviewerId: number;
  pendingReplyId: number;
  comment: string;
  ip?: string | null;
}): Promise<void> {
  const comment = input.comment.replace(/\r\n?/g, "\n").trim();
  if (!comment) throw new InputError("Say what to change: the comment is empty.");
  if (comment.length > MAX_RETURN_COMMENT_CHARS) {
    throw new InputError(`a comment has at most ${MAX_RETURN_COMMENT_CHARS} characters`);
  }
  const found = await reviewable(input.reviewerId, input.pendingReplyId);
  if ("refusal" in found) throw new ReviewRefused(found.refusal);
  const { row } = found;
  await sqlTransaction(async (tx) => {
    const [updated] = await tx.$queryRaw<{ id: number }[]>`
      update "PendingReply" set state = 'returned', "reviewerId" = ${input.reviewerId}, comment = ${comment},
        "decidedAt" = now()
      where id = ${row.id} and state = 'pending'
      returning id`;
    if (!updated) throw new InputError(ALREADY_DECIDED, "conflict");
    await recordConversationAudit(tx, {
      actorId: input.reviewerId,
      action: "reply.returned",
      conversationId: row.conversationId,
      after: { pendingReplyId: row.id, authorId: row.authorId },
      ip: input.ip,
    });
    await recordLiveEvent(tx, {
      mailboxId: row.mailboxId,
      conversationId: row.conversationId,
      kind: "reply.reviewed",
      actorId: input.reviewerId,
      payload: { pendingReplyId: row.id, state: "returned" },
    });
  });
}

/** How long an approval may take to send before it counts as abandoned (its process died). */
export const STALLED_APPROVAL_MS = 5 * 60_000;

/**
 * Gives back replies whose approval was claimed but never sent: the process
 * that claimed them died between the claim and the send's commit. The send
 * records sentMessageId in its own transaction (approveReply), so a claim
 * without it means nothing left Yubin; a late send of a claim given back
 * rolls back. Runs with the snooze waker in every process.
 */
export async function releaseStalledApprovals(now = new Date()): Promise<number[]> {
  const cutoff = new Date(now.getTime() - STALLED_APPROVAL_MS);
  return sqlTransaction(async (tx) => {
    const released = await tx.$queryRaw<
      { id: number; conversationId: number; mailboxId: number; reviewerId: number | null }[]
    >`
      with stalled as (
        select id, "reviewerId" from "PendingReply"
        where state = 'approved' and "sentMessageId" is null and "decidedAt" < ${cutoff}::timestamptz
        for update skip locked
      )
      update "PendingReply" p set state = 'pending', "reviewerId" = null, "decidedAt" = null
      from stalled where p.id = stalled.id
      returning p.id, p."conversationId", p."mailboxId", stalled."reviewerId"`;
    for (const r of released) {
      await recordConversationAudit(tx, {
        actorId: null,
        action: "reply.approval_released",
        conversationId: r.conversationId,
        before: { pendingReplyId: r.id, state: "approved", reviewerId: r.reviewerId },
        after: { pendingReplyId: r.id, state: "pending" },
      });
      await recordLiveEvent(tx, {
        mailboxId: r.mailboxId,
        conversationId: r.conversationId,
        kind: "reply.reviewed",
        actorId: null,
        payload: { pendingReplyId: r.id, state: "pending" },
      });
    }
    return released.map((r) => r.id);
  });
}
