// One conversation as it is read and worked: the thread, the workflow bar, the composer, notes,
// history and the customer. The conversation page shows it, and so does the inbox's reading
// pane (app/(app)/inbox/reading-pane.tsx) beside the list on wide screens.
import Link from "next/link";
import { messageJson } from "../../../../server/conversations/message-json.ts";
import type { SavedDraft } from "../../../../server/drafts/drafts.ts";
import { StatusBadge } from "../../../components/status-badge.tsx";
import { getT } from "../../../i18n/server.ts";
import { localStatusLabels } from "../../../i18n/translate.ts";
import { AuditTrail } from "./audit-trail.tsx";
import { ComposerState, type RestoredDraft } from "./composer-state.tsx";
import { CustomerPanel } from "./customer-panel.tsx";
import { DeleteConversation } from "./delete-buttons.tsx";
import { type loadConversation, loadConversationExtras } from "./load-conversation.ts";
import { MarkRead } from "./mark-read.tsx";
import { NoteForm } from "./note-form.tsx";
import { NoteCard } from "./notes.tsx";
import { PendingReplies } from "./pending-replies.tsx";
import { PresenceBar } from "./presence-bar.tsx";
import { firstWords } from "./quoted-text.ts";
import { SenderActions } from "./sender-actions.tsx";
import { ConversationTags } from "./tags.tsx";
import { ThreadMessage } from "./thread-message.tsx";
import { ThreadProvider } from "./thread-state.tsx";
import { planThread } from "./thread-view.ts";
import { WorkflowBar } from "./workflow-bar.tsx";

export type LoadedConversation = NonNullable<Awaited<ReturnType<typeof loadConversation>>>;

/** A separating middle dot before an item of the header line (decoration only). */
const DOT = "before:mr-3 before:text-slate-300 before:content-['·'] max-sm:before:hidden";

function restorableDraft(saved: SavedDraft, messages: { id: number }[], latestMessageId: number): RestoredDraft {
  const { updatedAt: _, ...draft } = saved;
  return messages.some((m) => m.id === draft.messageId) ? draft : { ...draft, messageId: latestMessageId };
}

export async function ConversationView({
  conversation,
  pane,
}: {
  conversation: LoadedConversation;
  /** In the inbox's reading pane: where "close" goes (the list without the pane). */
  pane?: { closeHref: string };
}) {
  const { mailbox, customer, messages } = conversation;
  const t = await getT();
  const conversationId = conversation.id;
  // The stale-send guard's reference point: what a composer opened now has seen.
  const latestMessageId = Math.max(0, ...messages.map((m) => m.id));
  // Everything else the view shows: started beside the conversation's own fetch (load-conversation.ts).
  const { notes, tags, customerPanel, savedDraft, approval, workflow, history, serverLabels, me, preferences } =
    await loadConversationExtras(conversationId);
  // The reader's draft reopens where it was written; on the latest message if that one is gone.
  const draft = savedDraft ? restorableDraft(savedDraft, messages, latestMessageId) : null;
  // After a send or a close: the next conversation of the list it was opened from (Settings).
  const afterSend = {
    goToNext: preferences.goToNext,
    conversationId,
    fallbackHref: `/inbox?mailbox=${mailbox.id}`,
    pane: pane !== undefined,
  };
  const statusLabels = localStatusLabels(serverLabels, t);
  // Messages and internal notes in one timeline, oldest first.
  const timeline = [
    ...messages.map((message) => ({ at: message.internalDate.getTime(), message, note: null })),
    ...notes.map((note) => ({ at: note.createdAt.getTime(), message: null, note })),
  ].sort((a, b) => a.at - b.at);
  // A long thread starts folded to its latest (and newest unread) messages.
  const plan = planThread(messages);
  const planned = messages.length > 0 ? plan.open : [];
  const openAtStart = new Set(planned);
  // The customer column sits beside the thread when the space it is given (the page, or the
  // reading pane) is wide enough: a container query, not the screen's width.
  return (
    <div className="@container">
      <div className="mx-auto grid max-w-6xl gap-8 @4xl:grid-cols-[minmax(0,48rem)_18rem]">
        <MarkRead conversationId={conversationId} />
        <div className="min-w-0">
          {pane ? (
            <nav aria-label={t("layout.paneLabel")} className="flex flex-wrap gap-x-4 text-sm">
              <Link
                href={pane.closeHref}
                scroll={false}
                className="text-slate-500 hover:text-slate-900 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
              >
                <span aria-hidden="true">× </span>
                {t("layout.closePane")}
              </Link>
              <Link
                href={`/conversations/${conversationId}`}
                className="text-slate-500 hover:text-slate-900 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
              >
                {t("layout.openFull")}
              </Link>
            </nav>
          ) : (
            <nav aria-label={t("conv.breadcrumb")} className="text-sm">
              <Link
                href={`/inbox?mailbox=${mailbox.id}`}
                className="inline-flex min-h-11 items-center gap-1 text-slate-500 hover:text-slate-900 md:min-h-0 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
              >
                <span aria-hidden="true">← </span>
                {mailbox.displayName || mailbox.address}
              </Link>
            </nav>
          )}
          <header className="mt-2">
            <h1 className="text-xl font-semibold tracking-tight break-words sm:text-2xl">
              {conversation.subject || t("common.noSubject")}
            </h1>
            <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-500">
              <StatusBadge status={workflow.state.status} label={statusLabels[workflow.state.status]} />
              {customer ? (
                <span data-testid="customer">
                  <span className="font-medium text-slate-700">{customer.name || customer.email}</span>
                  {customer.name ? ` <${customer.email}>` : null}
                </span>
              ) : null}
              <span className={DOT}>
                {t("conv.in", {
                  mailbox: mailbox.displayName ? `${mailbox.displayName} (${mailbox.address})` : mailbox.address,
                })}
              </span>
              <span className={DOT}>
                {t(messages.length === 1 ? "conv.oneMessage" : "conv.manyMessages", { count: messages.length })}
              </span>
            </div>
            <div className="mt-3">
              <ConversationTags conversationId={conversation.id} tags={tags} />
            </div>
            <WorkflowBar
              conversationId={conversation.id}
              me={me?.id ?? 0}
              status={workflow.state.status}
              assigneeId={workflow.state.assignee?.id ?? null}
              snoozedUntil={workflow.state.snoozedUntil?.toISOString() ?? null}
              members={workflow.members}
              labels={statusLabels}
              goToNext={afterSend.goToNext}
              fallbackHref={afterSend.fallbackHref}
              pane={afterSend.pane}
            />
            <div className="mt-3 flex flex-wrap items-start gap-2">
              <DeleteConversation conversationId={conversation.id} mailboxId={mailbox.id} />
              <SenderActions
                conversationId={conversation.id}
                status={workflow.state.status}
                sender={customer?.email || null}
                mailbox={mailbox.address}
              />
            </div>
            <PresenceBar conversationId={conversation.id} />
          </header>
          <ComposerState draft={draft} afterSend={afterSend}>
            <ThreadProvider planned={planned} ids={messages.map((m) => m.id)}>
              <ol aria-label={t("conv.messages")} data-thread="" className="mt-6 space-y-4">
                {timeline.map(({ message, note }) =>
                  note ? (
                    <li key={`note-${note.id}`}>
                      <NoteCard note={note} />
                    </li>
                  ) : message ? (
                    <li
                      key={message.id}
                      id={`message-${message.id}`}
                      tabIndex={-1}
                      className="scroll-mt-16 outline-none"
                    >
                      <ThreadMessage
                        id={message.id}
                        conversationId={conversation.id}
                        mailboxId={mailbox.id}
                        latestMessageId={latestMessageId}
                        // Only the messages that start expanded carry their card; a folded one is
                        // fetched when the reader expands it (thread-message.tsx).
                        message={openAtStart.has(message.id) ? messageJson(message) : undefined}
                        sentAt={plan.sentAt.get(message.id)?.toISOString()}
                        collapsible={messages.length > 1}
                        admin={me?.role === "admin"}
                        summary={{
                          from: message.fromName || message.fromAddress,
                          at: message.internalDate.toISOString(),
                          words: firstWords(message.textBody),
                        }}
                      />
                    </li>
                  ) : null,
                )}
              </ol>
            </ThreadProvider>
            <PendingReplies replies={approval.replies} canReview={approval.canReview} me={approval.me} />
          </ComposerState>
          <div className="mt-4">
            <NoteForm conversationId={conversation.id} />
          </div>
          <AuditTrail entries={history} labels={statusLabels} members={workflow.members} />
        </div>
        <aside aria-label={t("conv.customer")} className="min-w-0">
          <CustomerPanel panel={customerPanel} />
        </aside>
      </div>
    </div>
  );
}
