import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "../../../components/status-badge.tsx";
import { ComposerSlot } from "./composer.tsx";
import { ComposerState } from "./composer-state.tsx";
import { DeliveryBadge } from "./delivery-badge.tsx";
import { loadConversation } from "./load-conversation.ts";
import { MessageActions } from "./message-actions.tsx";
import { MessageCard } from "./message-card.tsx";

type Params = Promise<{ id: string }>;

/** A separating middle dot before an item of the header line (decoration only). */
const DOT = "before:mr-3 before:text-slate-300 before:content-['·']";

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const conversation = await loadConversation((await params).id);
  return { title: conversation ? conversation.subject || "(no subject)" : "Not found" };
}

export default async function ConversationPage({ params }: { params: Params }) {
  const conversation = await loadConversation((await params).id);
  // Missing and not-a-member are the same 404.
  if (!conversation) notFound();
  const { mailbox, customer, messages } = conversation;
  return (
    <div className="mx-auto max-w-3xl">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link
          href={`/inbox?mailbox=${mailbox.id}`}
          className="text-slate-500 hover:text-slate-900 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
        >
          <span aria-hidden="true">← </span>
          {mailbox.displayName || mailbox.address}
        </Link>
      </nav>
      <header className="mt-2">
        <h1 className="text-2xl font-semibold tracking-tight break-words">{conversation.subject || "(no subject)"}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-500">
          <StatusBadge status={conversation.status} />
          {customer ? (
            <span data-testid="customer">
              <span className="font-medium text-slate-700">{customer.name || customer.email}</span>
              {customer.name ? ` <${customer.email}>` : null}
            </span>
          ) : null}
          <span className={DOT}>
            in {mailbox.displayName ? `${mailbox.displayName} (${mailbox.address})` : mailbox.address}
          </span>
          <span className={DOT}>
            {messages.length} {messages.length === 1 ? "message" : "messages"}
          </span>
        </div>
      </header>
      <ComposerState>
        <ol aria-label="Messages" className="mt-6 space-y-4">
          {messages.map((message) => (
            <li key={message.id}>
              <MessageCard
                message={message}
                status={
                  message.direction === "outbound" ? (
                    <DeliveryBadge conversationId={conversation.id} messageId={message.id} />
                  ) : null
                }
                actions={<MessageActions messageId={message.id} />}
              />
              <ComposerSlot mailboxId={mailbox.id} messageId={message.id} />
            </li>
          ))}
        </ol>
      </ComposerState>
    </div>
  );
}
