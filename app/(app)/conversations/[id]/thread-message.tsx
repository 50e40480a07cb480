"use client";
// One message of the thread as the reader sees it: its one-line summary while collapsed, its
// whole card when expanded (thread-state.tsx decides which). The page sends the card's data
// only for the messages it starts expanded; a collapsed one is fetched when the reader expands
// it (conversations.message), so a long thread's page carries one line per folded message.
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useRef } from "react";
import type { ConversationMessageJson } from "../../../../server/conversations/message-json.ts";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";
import { DeleteMessage } from "./delete-buttons.tsx";
import { DeliveryBadge } from "./delivery-badge.tsx";
import { MessageActions } from "./message-actions.tsx";
import { MessageCard } from "./message-card.tsx";
import { CollapseButton, CollapsibleMessage, useThreadMessageOpen } from "./thread-state.tsx";

export function ThreadMessage({
  id,
  conversationId,
  mailboxId,
  summary,
  message,
  sentAt,
  collapsible,
  admin,
}: {
  id: number;
  conversationId: number;
  mailboxId: number;
  /** The collapsed line's content (sender, time, first words), rendered by the server. */
  summary: ReactNode;
  /** The card's data, when the page starts the message expanded. */
  message?: ConversationMessageJson;
  /** The Date header where it disagrees with the arrival (thread-view.ts), ISO text. */
  sentAt?: string;
  collapsible: boolean;
  admin: boolean;
}) {
  const open = useThreadMessageOpen(id);
  // Data once shown stays: a live refresh that no longer plans this message open does not refetch it.
  const kept = useRef(message);
  if (message) kept.current = message;
  const trpc = useTRPC();
  const fetched = useQuery(
    trpc.conversations.message.queryOptions({ messageId: id }, { enabled: open && !kept.current, staleTime: Infinity }),
  );
  const shown = kept.current ?? fetched.data;
  return (
    <CollapsibleMessage id={id} summary={summary}>
      {shown ? (
        <MessageCard
          message={shown}
          sentAt={sentAt}
          collapse={collapsible ? <CollapseButton id={id} /> : undefined}
          traceHref={admin ? `/admin/trace?message=${id}` : undefined}
          status={
            shown.direction === "outbound" ? <DeliveryBadge conversationId={conversationId} messageId={id} /> : null
          }
          actions={
            <div className="flex flex-wrap items-start gap-2">
              <MessageActions messageId={id} />
              <DeleteMessage messageId={id} mailboxId={mailboxId} />
            </div>
          }
        />
      ) : (
        <MessageLoading summary={summary} failed={fetched.isError} retry={() => void fetched.refetch()} />
      )}
    </CollapsibleMessage>
  );
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
