import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { LocalTime } from "../../components/local-time.tsx";
import { ReviewActions } from "../conversations/[id]/pending-replies.tsx";

export const metadata: Metadata = { title: "Approvals" };

// The reviewer's queue: held replies in every mailbox they review, oldest
// first, each with the text and the two decisions. Their own are not here.
export default async function ApprovalsPage() {
  const queue = await (await serverCaller()).approval.queue();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Approvals</h1>
      <p className="mt-1 text-sm text-slate-500">Replies held for a reviewer before they are sent.</p>
      {queue.length === 0 ? (
        <p className="mt-6 text-sm text-slate-500">Nothing is waiting for approval.</p>
      ) : (
        <ul aria-label="Replies awaiting approval" className="mt-6 space-y-4">
          {queue.map((reply) => (
            <li key={reply.id}>
              <article
                aria-label={`Held reply by ${reply.author.name || reply.author.email}`}
                className="rounded-lg border border-sky-200 bg-sky-50 p-4"
              >
                <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                  <Link
                    href={`/conversations/${reply.conversationId}`}
                    className="font-medium text-slate-900 underline-offset-2 hover:underline"
                  >
                    {reply.conversationSubject || "(no subject)"}
                  </Link>
                  <span className="text-slate-500">
                    {reply.author.name || reply.author.email} ·{" "}
                    <LocalTime iso={reply.createdAt.toISOString()} style="full" />
                  </span>
                </header>
                <p className="mt-2 text-xs text-slate-500">
                  To: {reply.to}
                  {reply.cc ? ` · Cc: ${reply.cc}` : ""} · {reply.subject}
                </p>
                <pre className="mt-2 max-h-64 overflow-auto font-sans text-sm whitespace-pre-wrap text-slate-800">
                  {reply.text}
                </pre>
                <ReviewActions reply={reply} />
              </article>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
