"use client";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";
import type { ReplyDraft } from "../../../../server/compose/reply-draft.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useLeaveGuard } from "../../../components/leave-guard.ts";
import { useComposingPresence } from "../../../components/presence.tsx";
import { useI18n, useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { ComposerActions } from "./composer-actions.tsx";
import { ComposerAttachments } from "./composer-attachments.tsx";
import { ComposerBody } from "./composer-body.tsx";
import { ComposerHeaderFields } from "./composer-header-fields.tsx";
import { composerPrefill, setComposerPrefill } from "./composer-prefill.ts";
import { useComposer } from "./composer-state.tsx";
import { type ComposerField, type FieldErrors, validateReply } from "./composer-validation.ts";
import { ReplyCollision } from "./presence-bar.tsx";
import { type DraftContent, useDraftAutosave } from "./use-draft-autosave.ts";
import { useReplyAttachments } from "./use-reply-attachments.ts";
import { useReplyBody } from "./use-reply-body.ts";
import { useReplyHeader } from "./use-reply-header.ts";
import { useSendReply } from "./use-send-reply.ts";

const TITLES: Record<ComposeMode, MessageKey> = {
  reply: "conv.reply",
  reply_all: "conv.replyAll",
  forward: "conv.forward",
};

/** The composer below the message it answers, once its draft has loaded. */
export function ComposerSlot({
  mailboxId,
  messageId,
  conversationId,
  latestMessageId,
}: {
  mailboxId: number;
  messageId: number;
  conversationId: number;
  /** The conversation's newest message id as shown now (stale-send guard). */
  latestMessageId?: number;
}) {
  const { open } = useComposer();
  if (open?.messageId !== messageId) return null;
  return (
    <LoadedComposer
      key={open.mode}
      mailboxId={mailboxId}
      messageId={messageId}
      conversationId={conversationId}
      latestMessageId={latestMessageId}
      mode={open.mode}
    />
  );
}

function LoadedComposer({
  mailboxId,
  messageId,
  conversationId,
  latestMessageId,
  mode,
}: {
  mailboxId: number;
  messageId: number;
  conversationId: number;
  latestMessageId?: number;
  mode: ComposeMode;
}) {
  const trpc = useTRPC();
  // What the writer had seen when the composer opened; later messages hold the send.
  const [seenMessageId] = useState(latestMessageId);
  const t = useT();
  // The quote's "On …, X wrote:" in the UI language and the reader's zone.
  const { locale, timeZone } = useI18n();
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const draft = useQuery(
    trpc.conversations.draft.queryOptions(
      { messageId, mode, locale, timeZone: zone },
      { staleTime: Number.POSITIVE_INFINITY },
    ),
  );
  if (draft.error) return <FormMessage error={draft.error} />;
  if (!draft.data) {
    return (
      <p role="status" className="mt-3 text-sm text-slate-500">
        {t("composer.preparing", { what: t(TITLES[mode]).toLowerCase() })}
      </p>
    );
  }
  return (
    <Composer
      mailboxId={mailboxId}
      messageId={messageId}
      conversationId={conversationId}
      seenMessageId={seenMessageId}
      mode={mode}
      draft={draft.data}
    />
  );
}

/** The reply form: its fields, each kept by its own hook, and the send; saved as a draft while written. */
function Composer({
  mailboxId,
  messageId,
  conversationId,
  seenMessageId: seenWhenOpened,
  mode,
  draft,
}: {
  mailboxId: number;
  messageId: number;
  conversationId: number;
  seenMessageId?: number;
  mode: ComposeMode;
  draft: ReplyDraft;
}) {
  const { setOpen, restoredDraft, forgetRestoredDraft } = useComposer();
  const id = useId();
  const t = useT();
  // "Edit and resend" of a returned held reply starts from the author's text (composer-prefill.ts);
  // a page that came with the writer's draft, from that.
  const [prefill] = useState(() => composerPrefill(messageId, mode));
  const [restored] = useState(() => (prefill ? null : restoredDraft(messageId, mode)));
  useEffect(() => {
    if (prefill) setComposerPrefill(null);
    forgetRestoredDraft();
  }, [prefill, forgetRestoredDraft]);
  const header = useReplyHeader(draft, prefill ?? restored);
  // The signature (mailbox's, then the writer's) sits between the answer and the quote.
  const body = useReplyBody(
    () => `\n\n${draft.signature ? `${draft.signature}\n\n` : ""}${draft.quoted}`,
    `${id}-body`,
    prefill ? { text: prefill.text, html: null } : restored,
  );
  const attachments = useReplyAttachments(draft, restored?.forwardAttachments);
  const [errors, setErrors] = useState<FieldErrors>({});
  // The stale-send guard carries on from the draft: what its writer had seen then.
  const [seenMessageId] = useState(() => restored?.seenMessageId ?? seenWhenOpened);
  const send = useSendReply({ messageId, mode, seenMessageId });
  const content: DraftContent = {
    to: header.to,
    cc: header.cc,
    bcc: header.bcc,
    subject: header.subject,
    text: body.text,
    html: body.rich ? body.html : null,
    forwardAttachments: [...attachments.carried].sort((a, b) => a - b),
  };
  // Something of the writer's: a changed text, recipients or subject, a file, a dropped forward attachment.
  const dirty =
    body.edited ||
    prefill !== null ||
    header.changed ||
    attachments.files.length > 0 ||
    attachments.carried.size !== draft.attachments.length;
  const autosave = useDraftAutosave(
    { conversationId, messageId, mode, seenMessageId: seenMessageId ?? null },
    content,
    dirty,
    restored
      ? {
          to: restored.to,
          cc: restored.cc,
          bcc: restored.bcc,
          subject: restored.subject,
          text: restored.text,
          html: restored.html,
          forwardAttachments: restored.forwardAttachments,
        }
      : null,
  );
  // Others see "typing a reply" while the composer holds text the writer added; emptying it
  // back to the quote, sending or discarding ends it.
  useComposingPresence("replying", body.edited);
  // Leaving the page with it asks first (it stays as a draft if the writer leaves anyway).
  useLeaveGuard(dirty, t("composer.leaveUnsent"));

  // A field's message goes as soon as the member edits that field.
  const clearError = (key: ComposerField) =>
    setErrors((shown) => (shown[key] ? { ...shown, [key]: undefined } : shown));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // "Send and close" / "Send and set pending" (composer-actions.tsx); Enter in a field is a plain Send.
    const then = (event.nativeEvent as SubmitEvent).submitter?.getAttribute("data-then");
    void send.sendReply({
      thenStatus: then === "closed" || then === "pending" ? then : undefined,
      validate: () => {
        const found = validateReply(
          { to: header.to, cc: header.cc, bcc: header.bcc, text: body.text, attachedBytes: attachments.attachedBytes },
          t,
        );
        setErrors(found);
        return Object.keys(found).length === 0;
      },
      // No draft save may land after the send deletes the draft; one on its way finishes first.
      beforeSend: autosave.stop,
      onFailed: autosave.resume,
      content: {
        to: header.to,
        cc: header.cc,
        bcc: header.bcc,
        subject: header.subject,
        text: body.text,
        html: body.rich ? body.html : undefined,
        forwardAttachments: [...attachments.carried],
      },
      files: attachments.files,
      onUnreadable: (message) => setErrors({ attachments: message }),
    });
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={t(TITLES[mode])}
      className="mt-3 overflow-hidden rounded-xl border border-slate-300 bg-white shadow-sm"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-stone-100 bg-stone-50/60 px-3 py-2 sm:px-5">
        <h3 className="text-sm font-semibold text-slate-800">{t(TITLES[mode])}</h3>
        <div className="flex items-center gap-3">
          {autosave.upToDate ? (
            <span className="text-xs text-slate-500" data-testid="draft-saved">
              {t("composer.draftSaved")}
            </span>
          ) : null}
          <button
            type="button"
            aria-pressed={body.rich}
            onClick={body.toggleRich}
            className="rounded-md border border-stone-300 bg-white px-2 py-0.5 text-xs text-slate-600 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
          >
            {t("composer.richText")}
          </button>
        </div>
      </div>
      <ReplyCollision conversationId={conversationId} />
      <ComposerHeaderFields id={id} from={draft.from} header={header} errors={errors} onEdit={clearError} />
      <ComposerBody
        id={id}
        mailboxId={mailboxId}
        conversationId={conversationId}
        body={body}
        errors={errors}
        onEdit={() => clearError("text")}
      />
      <ComposerAttachments
        id={id}
        forwarded={draft.attachments}
        attachments={attachments}
        errors={errors}
        onEdit={() => clearError("attachments")}
      />
      <ComposerActions
        error={send.error}
        pending={send.pending}
        held={send.held}
        onDiscard={async () => {
          await autosave.discard();
          setOpen(null);
        }}
      />
    </form>
  );
}
