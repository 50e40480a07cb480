"use client";
// One message of the thread as the reader sees it: its one-line summary while collapsed, its
// whole card when expanded (thread-state.tsx decides which), and the composer slot below it.
// The page sends the card's data only for the messages it starts expanded; a collapsed one is
// fetched when the reader expands it (conversations.message), so a long thread's page carries
// one line per folded message, as data (sender, time, first words), and a folded line runs no
// query hook, on the server or in the browser.
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useRef } from "react";
import type { ConversationMessageJson } from "../../../../server/conversations/message-json.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { ComposerSlot } from "./composer.tsx";
import { DeleteMessage } from "./delete-buttons.tsx";
import { DeliveryBadge } from "./delivery-badge.tsx";
import { MessageActions } from "./message-actions.tsx";
import { MessageCard } from "./message-card.tsx";
import { CollapseButton, CollapsibleMessage } from "./thread-state.tsx";

/** What a folded message's line shows. */
export interface MessageSummary {
  /** The sender's name, else address; empty when the message has neither. */
  from: string;
  /** Arrival, ISO text. */
  at: string;
  /** The first words of what the sender wrote (quoted-text.ts firstWords). */
  words: string;
}

export function ThreadMessage({
  id,
  conversationId,
  mailboxId,
  latestMessageId,
  summary,
  message,
  sentAt,
  collapsible,
  admin,
}: {
  id: number;
  conversationId: number;
  mailboxId: number;
  /** The conversation's newest message id as shown now (the composer's stale-send guard). */
  latestMessageId: number;
  summary: MessageSummary;
  /** The card's data, when the page starts the message expanded. */
  message?: ConversationMessageJson;
  /** The Date header where it disagrees with the arrival (thread-view.ts), ISO text. */
  sentAt?: string;
  collapsible: boolean;
  admin: boolean;
}) {
  // Data once shown stays: a live refresh that no longer plans this message open does not refetch it.
  const kept = useRef(message);
  if (message) kept.current = message;
  const line = <SummaryLine summary={summary} />;
  const card = (shown: ConversationMessageJson) => (
    <MessageCard
      message={shown}
      sentAt={sentAt}
      collapse={collapsible ? <CollapseButton id={id} /> : undefined}
      traceHref={admin ? `/admin/trace?message=${id}` : undefined}
      status={shown.direction === "outbound" ? <DeliveryBadge conversationId={conversationId} messageId={id} /> : null}
      actions={
        <div className="flex flex-wrap items-start gap-2">
          <MessageActions messageId={id} />
          <DeleteMessage messageId={id} mailboxId={mailboxId} />
        </div>
      }
    />
  );
  return (
    <>
      <CollapsibleMessage id={id} summary={line}>
        {kept.current ? card(kept.current) : <FetchedMessage id={id} line={line} card={card} />}
      </CollapsibleMessage>
      <ComposerSlot
        mailboxId={mailboxId}
        messageId={id}
        conversationId={conversationId}
        latestMessageId={latestMessageId}
      />
    </>
  );
}

/** The one line of a folded message: sender, time, first words. */
function SummaryLine({ summary }: { summary: MessageSummary }) {
  const t = useT();
  return (
    <>
      <span className="max-w-[40%] shrink-0 truncate font-semibold text-slate-800">
        {summary.from || t("message.unknownSender")}
      </span>
      <span className="shrink-0 text-xs text-slate-500 tabular-nums">
        <LocalTime iso={summary.at} />
      </span>
      <span className="min-w-0 flex-1 truncate text-slate-500">{summary.words}</span>
    </>
  );
}

/** A folded message's card, fetched when the reader expands it: mounted only then. */
function FetchedMessage({
  id,
  line,
  card,
}: {
  id: number;
  line: ReactNode;
  card: (shown: ConversationMessageJson) => ReactNode;
}) {
  const trpc = useTRPC();
  const fetched = useQuery(trpc.conversations.message.queryOptions({ messageId: id }, { staleTime: Infinity }));
  if (fetched.data) return card(fetched.data);
  return <MessageLoading summary={line} failed={fetched.isError} retry={() => void fetched.refetch()} />;
}

/** The summary line while the card is on its way (or could not be fetched). */
function MessageLoading({ summary, failed, retry }: { summary: ReactNode; failed: boolean; retry: () => void }) {
  const t = useT();
  return (
    <div
      data-testid="message-loading"
      aria-busy={!failed}
      className="rounded-xl border border-stone-200 bg-white px-3 py-2.5 text-sm shadow-sm sm:px-5"
    >
      <div className="flex min-w-0 items-baseline gap-x-3">{summary}</div>
      <p role="status" className="mt-1 text-xs text-slate-500">
        {failed ? (
          <>
            {t("thread.messageFailed")}{" "}
            <button
              type="button"
              onClick={retry}
              className="font-medium underline underline-offset-2 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
            >
              {t("thread.retry")}
            </button>
          </>
        ) : (
          t("thread.messageLoading")
        )}
      </p>
    </div>
  );
}
