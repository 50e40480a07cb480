"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import { formatAddressList, parseAddressList } from "../../../../server/compose/address-list.ts";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";
import { MAX_COMPOSE_ATTACHMENT_BYTES, MAX_COMPOSE_TEXT_CHARS } from "../../../../server/compose/compose-limits.ts";
import type { ReplyDraft } from "../../../../server/compose/reply-draft.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import { shownAttachmentName } from "../../../components/attachment-name.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useTypingPresence } from "../../../components/presence.tsx";
import { useI18n, useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { composerPrefill, REPLY_HELD_EVENT, setComposerPrefill } from "./composer-prefill.ts";
import { useComposer } from "./composer-state.tsx";
import { ReplyCollision } from "./presence-bar.tsx";
import { RichTextEditor } from "./rich-text-editor.tsx";
import { SavedReplyPicker } from "./saved-reply-picker.tsx";

const TITLES: Record<ComposeMode, MessageKey> = {
  reply: "conv.reply",
  reply_all: "conv.replyAll",
  forward: "conv.forward",
};

const FIELD =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm shadow-xs placeholder:text-slate-400 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none aria-invalid:border-rose-400";

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

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

type FieldErrors = Partial<Record<"to" | "cc" | "bcc" | "attachments" | "text", string>>;

function Composer({
  mailboxId,
  messageId,
  conversationId,
  seenMessageId,
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
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { setOpen } = useComposer();
  const id = useId();
  const t = useT();
  const body = useRef<HTMLTextAreaElement>(null);
  // The caret after an inserted snippet, placed in the commit that shows it
  // (not a frame later, when keys typed meanwhile would end up behind it).
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !body.current) return;
    pendingCaret.current = null;
    body.current.focus();
    body.current.setSelectionRange(caret, caret);
  });
  // Set synchronously on the first click, before React re-renders the disabled button.
  const sending = useRef(false);
  // "Edit and resend" of a returned held reply starts from the author's text (composer-prefill.ts).
  const [prefill] = useState(() => composerPrefill(messageId, mode));
  const [to, setTo] = useState(() => prefill?.to ?? formatAddressList(draft.to));
  const [cc, setCc] = useState(() => prefill?.cc ?? formatAddressList(draft.cc));
  const [bcc, setBcc] = useState(prefill?.bcc ?? "");
  const [showBcc, setShowBcc] = useState(Boolean(prefill?.bcc));
  const [subject, setSubject] = useState(prefill?.subject ?? draft.subject);
  // The signature (mailbox's, then the writer's) sits between the answer and the quote.
  const [text, setText] = useState(
    () => prefill?.text ?? `\n\n${draft.signature ? `${draft.signature}\n\n` : ""}${draft.quoted}`,
  );
  useEffect(() => {
    if (prefill) setComposerPrefill(null);
  }, [prefill]);
  // Simple rich text: when on, `html` goes with `text` as the message's HTML alternative.
  const [rich, setRich] = useState(false);
  const [html, setHtml] = useState("");
  const [files, setFiles] = useState<{ key: number; file: File }[]>([]);
  const fileKey = useRef(0);
  const [carried, setCarried] = useState(() => new Set(draft.attachments.map((a) => a.index)));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [reading, setReading] = useState(false);
  const send = useMutation(trpc.conversations.send.mutationOptions());
  // Set when the server held the send for new activity: the next click sends anyway.
  const [held, setHeld] = useState(false);
  // Others see "typing a reply" while keys come; closing the composer (sent or discarded) ends it.
  const typing = useTypingPresence("replying");

  // The cursor starts above the quoted history.
  useEffect(() => {
    body.current?.focus();
    body.current?.setSelectionRange(0, 0);
    body.current?.scrollIntoView({ block: "nearest" });
  }, []);

  const attachedBytes =
    files.reduce((n, f) => n + f.file.size, 0) +
    draft.attachments.filter((a) => carried.has(a.index)).reduce((n, a) => n + a.size, 0);

  function validate(): FieldErrors {
    const found: FieldErrors = {};
    for (const [key, value] of [
      ["to", to],
      ["cc", cc],
      ["bcc", bcc],
    ] as const) {
      const parsed = parseAddressList(value);
      if (!parsed.ok) found[key] = t("composer.badAddress", { address: parsed.bad });
      else if (key === "to" && parsed.list.length === 0) found.to = t("composer.noRecipient");
    }
    if (attachedBytes > MAX_COMPOSE_ATTACHMENT_BYTES) {
      found.attachments = t("composer.tooLarge", {
        size: formatSize(attachedBytes),
        max: formatSize(MAX_COMPOSE_ATTACHMENT_BYTES),
      });
    }
    if (text.length > MAX_COMPOSE_TEXT_CHARS) found.text = t("composer.tooLong");
    return found;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending.current) return;
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) return;
    sending.current = true;
    send.reset();
    setReading(files.length > 0);
    try {
      let attachments: { filename: string; contentType?: string; base64: string }[];
      try {
        attachments = await Promise.all(
          files.map(async ({ file: f }) => ({
            filename: f.name,
            contentType: f.type || undefined,
            base64: await readBase64(f),
          })),
        );
      } catch (e) {
        setErrors({ attachments: (e as Error).message });
        return;
      } finally {
        setReading(false);
      }
      const sent = await send
        .mutateAsync({
          messageId,
          mode,
          to,
          cc,
          bcc,
          subject,
          text,
          html: rich ? html : undefined,
          attachments,
          forwardAttachments: [...carried],
          seenMessageId,
          confirmNewActivity: held,
        })
        .catch((e: unknown) => {
          // Stale-send guard: show the new activity; the next click is "Send anyway".
          if ((e as { data?: { code?: string } }).data?.code === "CONFLICT") {
            setHeld(true);
            router.refresh();
          }
          return null; // shown from send.error
        });
      if (!sent) return;
      setOpen(null);
      // Approval: nothing left; the held reply shows below with "Sent for approval".
      if (sent.held) window.dispatchEvent(new Event(REPLY_HELD_EVENT));
      // The copy is already in the conversation: show it, and start watching its delivery.
      router.refresh();
      await queryClient.invalidateQueries({ queryKey: trpc.conversations.delivery.queryKey() });
    } finally {
      sending.current = false;
    }
  }

  /** A saved reply goes where the cursor is (replacing any selection), and the cursor after it. */
  function insertAtCursor(snippet: string) {
    if (rich) {
      // The rich editor keeps its own selection: insert there through the editing command.
      (document.getElementById(`${id}-body`) as HTMLElement | null)?.focus();
      document.execCommand("insertText", false, snippet);
      return;
    }
    const area = body.current;
    const start = area?.selectionStart ?? 0;
    const end = area?.selectionEnd ?? start;
    setText((current) => current.slice(0, start) + snippet + current.slice(end));
    clearError("text");
    pendingCaret.current = start + snippet.length;
  }

  // A field's message goes as soon as the member edits that field.
  const clearError = (key: keyof FieldErrors) =>
    setErrors((shown) => (shown[key] ? { ...shown, [key]: undefined } : shown));
  const pending = send.isPending || reading;
  const fieldError = (key: keyof FieldErrors) =>
    errors[key] ? (
      <p id={`${id}-${key}-error`} className="mt-1 text-xs text-rose-700">
        {errors[key]}
      </p>
    ) : null;
  const described = (key: keyof FieldErrors) => (errors[key] ? `${id}-${key}-error` : undefined);

  return (
    <form
      onSubmit={onSubmit}
      onInput={typing}
      noValidate
      aria-label={t(TITLES[mode])}
      className="mt-3 overflow-hidden rounded-xl border border-slate-300 bg-white shadow-sm"
    >
      <div className="flex items-center justify-between border-b border-stone-100 bg-stone-50/60 px-5 py-2">
        <h3 className="text-sm font-semibold text-slate-800">{t(TITLES[mode])}</h3>
        <button
          type="button"
          aria-pressed={rich}
          onClick={() => {
            if (rich) setHtml("");
            setRich(!rich);
          }}
          className="rounded-md border border-stone-300 bg-white px-2 py-0.5 text-xs text-slate-600 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
        >
          {t("composer.richText")}
        </button>
      </div>
      <ReplyCollision conversationId={conversationId} />
      <div className="grid grid-cols-[4rem_minmax(0,1fr)] items-start gap-x-3 gap-y-2 px-5 py-3 text-sm">
        <span className="pt-1.5 text-slate-500">{t("composer.from")}</span>
        <p className="pt-1.5 text-slate-800" data-testid="composer-from">
          {draft.from.name ? `${draft.from.name} <${draft.from.address}>` : draft.from.address}
        </p>

        <label htmlFor={`${id}-to`} className="pt-1.5 text-slate-500">
          {t("composer.to")}
        </label>
        <div>
          <div className="flex gap-2">
            <input
              id={`${id}-to`}
              value={to}
              onChange={(e) => {
                setTo(e.target.value);
                clearError("to");
              }}
              aria-invalid={Boolean(errors.to)}
              aria-describedby={described("to")}
              autoComplete="off"
              className={FIELD}
            />
            {showBcc ? null : (
              <button
                type="button"
                onClick={() => setShowBcc(true)}
                className="shrink-0 text-xs text-slate-500 hover:text-slate-800"
              >
                {t("composer.bcc")}
              </button>
            )}
          </div>
          {fieldError("to")}
        </div>

        <label htmlFor={`${id}-cc`} className="pt-1.5 text-slate-500">
          {t("composer.cc")}
        </label>
        <div>
          <input
            id={`${id}-cc`}
            value={cc}
            onChange={(e) => {
              setCc(e.target.value);
              clearError("cc");
            }}
            aria-invalid={Boolean(errors.cc)}
            aria-describedby={described("cc")}
            autoComplete="off"
            className={FIELD}
          />
          {fieldError("cc")}
        </div>

        {showBcc ? (
          <>
            <label htmlFor={`${id}-bcc`} className="pt-1.5 text-slate-500">
              {t("composer.bcc")}
            </label>
            <div>
              <input
                id={`${id}-bcc`}
                value={bcc}
                onChange={(e) => {
                  setBcc(e.target.value);
                  clearError("bcc");
                }}
                aria-invalid={Boolean(errors.bcc)}
                aria-describedby={described("bcc")}
                autoComplete="off"
                className={FIELD}
              />
              {fieldError("bcc")}
            </div>
          </>
        ) : null}

        <label htmlFor={`${id}-subject`} className="pt-1.5 text-slate-500">
          {t("composer.subject")}
        </label>
        <input
          id={`${id}-subject`}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          maxLength={998}
          className={FIELD}
        />
      </div>

      <div className="px-5">
        <div className="mb-2 flex justify-end">
          <SavedReplyPicker mailboxId={mailboxId} conversationId={conversationId} onInsert={insertAtCursor} />
        </div>
        <label htmlFor={`${id}-body`} className="sr-only">
          {t("composer.message")}
        </label>
        {rich ? (
          <RichTextEditor
            id={`${id}-body`}
            initialText={text}
            invalid={Boolean(errors.text)}
            describedBy={described("text")}
            onChange={(value) => {
              setText(value.text);
              setHtml(value.html);
              clearError("text");
            }}
          />
        ) : (
          <textarea
            id={`${id}-body`}
            ref={body}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              clearError("text");
            }}
            rows={12}
            aria-invalid={Boolean(errors.text)}
            aria-describedby={described("text")}
            className={`${FIELD} resize-y font-mono leading-relaxed`}
          />
        )}
        {fieldError("text")}
      </div>

      <div className="space-y-2 px-5 py-3">
        {draft.attachments.length ? (
          <fieldset>
            <legend className="mb-1 text-xs font-medium text-slate-600">{t("composer.forwarded")}</legend>
            <ul className="flex flex-wrap gap-x-4 gap-y-1">
              {draft.attachments.map((a) => (
                <li key={a.index}>
                  <label className="inline-flex items-center gap-1.5 text-sm text-slate-700">
                    <input
                      type="checkbox"
                      checked={carried.has(a.index)}
                      onChange={(e) => {
                        const next = new Set(carried);
                        if (e.target.checked) next.add(a.index);
                        else next.delete(a.index);
                        setCarried(next);
                        clearError("attachments");
                      }}
                    />
                    {a.filename ? shownAttachmentName(a.filename) : t("message.attachmentN", { n: a.index + 1 })}
                    <span className="text-xs text-slate-500">{formatSize(a.size)}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
        ) : null}
        <div>
          <label htmlFor={`${id}-files`} className="mb-1 block text-xs font-medium text-slate-600">
            {t("composer.attach")}
          </label>
          <input
            id={`${id}-files`}
            type="file"
            multiple
            aria-describedby={described("attachments")}
            onChange={(e) => {
              const chosen = [...(e.target.files ?? [])];
              setFiles((prev) => [...prev, ...chosen.map((file) => ({ key: ++fileKey.current, file }))]);
              clearError("attachments");
              e.target.value = "";
            }}
            className="text-sm text-slate-600 file:mr-3 file:rounded-md file:border file:border-stone-300 file:bg-white file:px-2.5 file:py-1 file:text-xs file:font-medium file:text-slate-700 hover:file:bg-stone-50"
          />
          {files.length ? (
            <ul aria-label={t("composer.attached")} className="mt-2 flex flex-wrap gap-2">
              {files.map(({ key, file: f }) => (
                <li
                  key={key}
                  className="inline-flex items-center gap-2 rounded-md border border-stone-200 px-2.5 py-1 text-sm"
                >
                  <span className="max-w-48 truncate">{f.name}</span>
                  <span className="text-xs text-slate-500">{formatSize(f.size)}</span>
                  <button
                    type="button"
                    aria-label={t("composer.remove", { name: f.name })}
                    onClick={() => {
                      setFiles(files.filter((other) => other.key !== key));
                      clearError("attachments");
                    }}
                    className="text-slate-400 hover:text-slate-800"
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {fieldError("attachments")}
        </div>
      </div>

      <div className="space-y-3 border-t border-stone-100 px-5 py-3">
        <FormMessage error={send.error} />
        <div className="flex items-center gap-3">
          <button
            type="submit"
            disabled={pending}
            aria-busy={pending}
            className="inline-flex items-center justify-center rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-slate-700 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60"
          >
            {held ? t("composer.sendAnyway") : t("composer.send")}
          </button>
          <button
            type="button"
            disabled={pending}
            onClick={() => setOpen(null)}
            className="rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-stone-100 hover:text-slate-900 disabled:opacity-60"
          >
            {t("composer.discard")}
          </button>
          {pending ? (
            <span role="status" className="text-sm text-slate-500">
              {t("composer.sending")}
            </span>
          ) : null}
        </div>
      </div>
    </form>
  );
}
