"use client";
// Approval (確認者): the conversation's held replies, shown to every member of
// the mailbox with who wrote them, when, the text and the state. A reviewer
// approves (sent as the author's reply would have been) or returns with a
// comment; the author of a returned reply edits it in the composer and sends
// it again. Text is rendered by React (escaped), never as HTML.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import type { PendingReplyView } from "../../../../server/approval/held-reply.ts";
import { AttachmentList } from "../../../components/attachment-list.tsx";
import { shownAttachmentName } from "../../../components/attachment-name.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { useHydrated } from "../../../components/use-hydrated.ts";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { REPLY_HELD_EVENT, setComposerPrefill } from "./composer-prefill.ts";
import { useComposer } from "./composer-state.tsx";

const STATE_LABELS: Record<PendingReplyView["state"], MessageKey> = {
  pending: "approval.statePending",
  approved: "approval.stateApproved",
  returned: "approval.stateReturned",
};

const BUTTON =
  "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-50";

/** Approve and send, or Return with a comment: the reviewer's two buttons. */
export function ReviewActions({ reply }: { reply: Pick<PendingReplyView, "id" | "author"> }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const t = useT();
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState("");
  // Set when the approval was held for new activity: the next click sends anyway.
  const [stale, setStale] = useState(false);
  const approve = useMutation(
    trpc.approval.approve.mutationOptions({
      onSuccess: () => router.refresh(),
      onError: (e) => {
        if (e.data?.code === "CONFLICT" && /new activity/i.test(e.message)) {
          setStale(true);
          router.refresh();
        }
      },
    }),
  );
  const giveBack = useMutation(trpc.approval.return.mutationOptions({ onSuccess: () => router.refresh() }));
  // The server's HTML shows the buttons before React has hydrated them: a click then did nothing (a CI
  // run under load clicked Return and never saw its comment field). Enabled once they can act.
  const hydrated = useHydrated();
  const busy = approve.isPending || giveBack.isPending || !hydrated;
  return (
    <div className="mt-3 space-y-2">
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={busy}
          onClick={() => approve.mutate({ pendingReplyId: reply.id, confirmNewActivity: stale })}
          className={`${BUTTON} bg-slate-900 text-white hover:bg-slate-700`}
        >
          {stale ? t("approval.approveAnyway") : t("approval.approve")}
        </button>
        <button
          type="button"
          disabled={busy}
          aria-expanded={returning}
          onClick={() => setReturning((open) => !open)}
          className={`${BUTTON} border border-stone-300 bg-white text-slate-700 hover:bg-stone-50`}
        >
          {t("approval.return")}
        </button>
      </div>
      <FormMessage error={approve.error} />
      {returning ? (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            giveBack.mutate({ pendingReplyId: reply.id, comment });
          }}
        >
          <label htmlFor={`${id}-comment`} className="block text-sm font-medium text-slate-700">
            {t("approval.commentFor", { name: reply.author.name || reply.author.email })}
          </label>
          <textarea
            id={`${id}-comment`}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            rows={3}
            required
            className="block w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm"
          />
          <button
            type="submit"
            disabled={busy}
            className={`${BUTTON} border border-stone-300 bg-white text-slate-700 hover:bg-stone-50`}
          >
            {t("approval.returnToAuthor")}
          </button>
          <FormMessage error={giveBack.error} />
        </form>
      ) : null}
    </div>
  );
}

export function HeldReplyCard({
  reply,
  canReview,
  me,
  children,
}: {
  reply: PendingReplyView;
  canReview: boolean;
  me: number;
  children?: React.ReactNode;
}) {
  const { setOpen } = useComposer();
  const t = useT();
  const hydrated = useHydrated();
  const mine = reply.author.id === me;
  return (
    <article
      aria-label={t("approval.heldBy", { name: reply.author.name || reply.author.email })}
      data-state={reply.state}
      className={`rounded-lg border p-4 ${reply.state === "returned" ? "border-amber-300 bg-amber-50" : "border-sky-200 bg-sky-50"}`}
    >
      <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span>
          <span className="font-medium text-slate-900">{reply.author.name || reply.author.email}</span>{" "}
          <span className="text-slate-500">
            <LocalTime iso={new Date(reply.createdAt).toISOString()} style="full" />
          </span>
        </span>
        <span className="rounded-full bg-white px-2 py-0.5 text-xs font-medium text-slate-700">
          {t(STATE_LABELS[reply.state])}
        </span>
      </header>
      {children}
      <p className="mt-2 text-xs text-slate-500">
        {t("approval.to", { to: reply.to })}
        {reply.cc ? ` · ${t("approval.cc", { cc: reply.cc })}` : ""} · {reply.subject}
      </p>
      <pre className="mt-2 max-h-64 overflow-auto font-sans text-sm whitespace-pre-wrap text-slate-800">
        {reply.text}
      </pre>
      <HeldAttachments reply={reply} />
      {reply.state === "returned" ? (
        <div className="mt-3 rounded-md border border-amber-200 bg-white p-3 text-sm">
          <p className="font-medium text-slate-900">
            {t("approval.returnedBy", { name: reply.reviewer?.name || t("approval.aReviewer") })}
          </p>
          <p className="mt-1 whitespace-pre-wrap text-slate-700" data-testid="return-comment">
            {reply.comment}
          </p>
          {mine ? (
            <button
              type="button"
              disabled={!hydrated}
              className={`${BUTTON} mt-2 bg-slate-900 text-white hover:bg-slate-700`}
              onClick={() => {
                setComposerPrefill({
                  messageId: reply.messageId,
                  mode: reply.mode,
                  to: reply.to,
                  cc: reply.cc,
                  bcc: reply.bcc,
                  subject: reply.subject,
                  text: reply.text,
                });
                setOpen(null);
                requestAnimationFrame(() => setOpen({ messageId: reply.messageId, mode: reply.mode }));
              }}
            >
              {t("approval.editResend")}
            </button>
          ) : null}
        </div>
      ) : null}
      {reply.state === "pending" && canReview && !mine ? <ReviewActions reply={reply} /> : null}
    </article>
  );
}

/** The conversation's held and returned replies (approved ones are in the timeline as sent messages). */
export function PendingReplies({
  replies,
  canReview,
  me,
}: {
  replies: PendingReplyView[];
  canReview: boolean;
  me: number;
}) {
  const [announced, setAnnounced] = useState(false);
  const t = useT();
  useEffect(() => {
    const onHeld = () => setAnnounced(true);
    window.addEventListener(REPLY_HELD_EVENT, onHeld);
    return () => window.removeEventListener(REPLY_HELD_EVENT, onHeld);
  }, []);
  const shown = replies.filter((r) => r.state !== "approved");
  return (
    <section aria-label={t("approval.awaiting")} className="mt-4 space-y-3">
      {announced ? <FormMessage success={t("approval.sentForApproval")} /> : null}
      {shown.map((reply) => (
        <HeldReplyCard key={reply.id} reply={reply} canReview={canReview} me={me} />
      ))}
    </section>
  );
}

/** The held reply's attachments, to check before approving: name, size, download and preview. */
export function HeldAttachments({ reply }: { reply: Pick<PendingReplyView, "id" | "attachments"> }) {
  const t = useT();
  if (reply.attachments.length === 0) return null;
  return (
    <div className="mt-2">
      <AttachmentList
        label={t("attachments.held")}
        baseHref={`/api/held-replies/${reply.id}/attachments`}
        items={reply.attachments.map((a) => ({
          index: a.index,
          name: shownAttachmentName(a.filename),
          contentType: a.contentType,
          size: a.size,
        }))}
      />
    </div>
  );
}
