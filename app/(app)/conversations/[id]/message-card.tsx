"use client";
import type { ReactNode } from "react";
import type { ConversationMessageJson } from "../../../../server/conversations/message-json.ts";
import { AttachmentList } from "../../../components/attachment-list.tsx";
import { shownAttachmentName } from "../../../components/attachment-name.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { AuthBadges } from "./auth-badges.tsx";
import { HtmlBody } from "./html-body.tsx";
import { TextBody } from "./text-body.tsx";

// Why the message is in this conversation (find-thread.ts), in words.
const THREAD_REASONS: Record<string, MessageKey> = {
  new: "message.threadNew",
  reply_token: "message.threadReplyToken",
  references: "message.threadReferences",
  subject_token: "message.threadSubjectToken",
  subject_sender: "message.threadSubjectSender",
};

// How the message breaks the format (server/mime/message-defects.ts), in words.
const DEFECTS: Record<string, MessageKey> = {
  "no-header": "message.malformed.no-header",
  "missing-blank-line": "message.malformed.missing-blank-line",
  "broken-disposition": "message.malformed.broken-disposition",
  "missing-boundary": "message.malformed.missing-boundary",
};

function addressList(list: { address: string; name: string }[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(", ");
}

/**
 * `status` goes beside the date (a sent message's delivery), `actions` in the
 * footer (Reply, Forward); `traceHref`, for admins, links the message to its
 * message trace (how it arrived, or every delivery attempt of a reply);
 * `collapse` folds it to one line (thread-state.tsx). The time shown is the
 * arrival, the thread's order; `sentAt`, the Date header, is shown beside it
 * where that header disagrees with the order (thread-view.ts).
 */
export function MessageCard({
  message,
  status,
  actions,
  traceHref,
  collapse,
  sentAt,
}: {
  message: ConversationMessageJson;
  status?: ReactNode;
  actions?: ReactNode;
  traceHref?: string;
  collapse?: ReactNode;
  /** ISO text. */
  sentAt?: string;
}) {
  const t = useT();
  const sender = message.fromName || message.fromAddress || t("message.unknownSender");
  const reason = message.threadReason ? THREAD_REASONS[message.threadReason] : undefined;
  const headingId = `message-${message.id}-from`;
  const date = message.internalDate;
  const attachments = message.attachments;
  return (
    <article
      aria-labelledby={headingId}
      className="overflow-hidden rounded-xl border border-stone-200 bg-white shadow-sm"
      data-testid="message"
    >
      <header className="flex flex-wrap items-start justify-between gap-x-6 gap-y-2 border-b border-stone-100 px-3 py-3 sm:px-5">
        <div className="min-w-0 max-w-full">
          <h2 id={headingId} className="text-sm">
            <span className="font-semibold text-slate-900">
              {/* Who in the team wrote what the mailbox sent: "Bob via Support". */}
              {message.direction === "outbound" && message.author
                ? t("message.via", { author: message.author.name, sender })
                : sender}
            </span>
            {message.fromName && message.fromAddress ? (
              <span className="ml-1.5 break-all text-slate-500">{`<${message.fromAddress}>`}</span>
            ) : null}
            {message.direction === "outbound" ? (
              <span className="ml-2 rounded bg-stone-100 px-1.5 py-0.5 text-[11px] text-slate-600">
                {t("message.sent")}
              </span>
            ) : null}
          </h2>
          <dl className="mt-1 grid grid-cols-[auto_minmax(0,1fr)] gap-x-2 text-xs text-slate-500">
            {message.to.length ? (
              <>
                <dt>{t("composer.to")}</dt>
                <dd className="truncate">{addressList(message.to)}</dd>
              </>
            ) : null}
            {message.cc.length ? (
              <>
                <dt>{t("composer.cc")}</dt>
                <dd className="truncate">{addressList(message.cc)}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <div className="flex flex-col items-start gap-1 text-xs text-slate-500 sm:items-end">
          <span className="flex items-center gap-2">
            <LocalTime iso={date} style="full" />
            {collapse}
          </span>
          {sentAt ? (
            <span data-testid="sent-at" className="text-amber-800">
              {t("message.sentAt")} <LocalTime iso={sentAt} style="full" />
            </span>
          ) : null}
          {status}
          <AuthBadges messageId={message.id} authentication={message.authentication} />
          {message.threadReason ? (
            <span className="text-[11px] text-slate-400" data-testid="thread-reason">
              {reason ? t(reason) : message.threadReason}
            </span>
          ) : null}
        </div>
      </header>

      {message.parseError ? (
        <div
          role="note"
          className="mx-5 mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <p>
            {t("message.parseError", { error: message.parseError })}{" "}
            <a
              href={`/api/messages/${message.id}/source?inline=1`}
              target="_blank"
              rel="noopener"
              className="font-medium underline underline-offset-2"
            >
              {t("message.viewSource")}
            </a>
          </p>
        </div>
      ) : null}

      {message.malformed ? (
        <div
          role="note"
          data-testid="malformed"
          className="mx-5 mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          <p>
            {t(DEFECTS[message.malformed] ?? "message.malformed")}{" "}
            <a
              href={`/api/messages/${message.id}/source?inline=1`}
              target="_blank"
              rel="noopener"
              className="font-medium underline underline-offset-2"
            >
              {t("message.viewSource")}
            </a>
          </p>
        </div>
      ) : null}

      {message.hasHtml ? (
        <HtmlBody messageId={message.id} sender={sender} remoteImages={message.remoteImages} />
      ) : message.textBody ? (
        <TextBody messageId={message.id} text={message.textBody} length={message.textLength} />
      ) : (
        <p className="px-5 py-4 text-sm text-slate-400 italic">{t("message.noText")}</p>
      )}

      <footer className="flex flex-wrap items-end justify-between gap-3 border-t border-stone-100 px-3 py-3 sm:px-5">
        {attachments.length ? (
          <AttachmentList
            label={t("message.attachments")}
            baseHref={`/api/messages/${message.id}/attachments`}
            items={attachments.map((a) => ({
              index: a.index,
              name: a.filename ? shownAttachmentName(a.filename) : t("message.attachmentN", { n: a.index + 1 }),
              contentType: a.contentType,
              size: a.size,
              inline: a.inline,
            }))}
          />
        ) : (
          <span />
        )}
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <a
            href={`/api/messages/${message.id}/source`}
            download
            className="text-xs text-slate-400 underline-offset-2 hover:text-slate-600 hover:underline"
          >
            {t("message.downloadOriginal")}
          </a>
          {traceHref ? (
            <a
              href={traceHref}
              aria-label={t("trace.messageLinkLabel")}
              className="text-xs text-slate-400 underline-offset-2 hover:text-slate-600 hover:underline"
            >
              {t("trace.messageLink")}
            </a>
          ) : null}
          {actions}
        </div>
      </footer>
    </article>
  );
}
