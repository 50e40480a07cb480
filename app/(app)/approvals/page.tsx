import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { LocalTime } from "../../components/local-time.tsx";
import { getT } from "../../i18n/server.ts";
import { HeldAttachments, ReviewActions } from "../conversations/[id]/pending-replies.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("approval.title") };
}

// The reviewer's queue: held replies in every mailbox they review, oldest
// first, each with the text and the two decisions. Their own are not here.
export default async function ApprovalsPage() {
  const queue = await (await serverCaller()).approval.queue();
  const t = await getT();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">{t("approval.title")}</h1>
      <p className="mt-1 text-sm text-slate-500">{t("approval.intro")}</p>
      {queue.length === 0 ? (
        <p className="mt-6 text-sm text-slate-500">{t("approval.none")}</p>
      ) : (
        <ul aria-label={t("approval.awaiting")} className="mt-6 space-y-4">
          {queue.map((reply) => (
            <li key={reply.id}>
              <article
                aria-label={t("approval.heldBy", { name: reply.author.name || reply.author.email })}
                className="rounded-lg border border-sky-200 bg-sky-50 p-4"
              >
                <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                  <Link
                    href={`/conversations/${reply.conversationId}`}
                    className="font-medium text-slate-900 underline-offset-2 hover:underline"
                  >
                    {reply.conversationSubject || t("common.noSubject")}
                  </Link>
                  <span className="text-slate-500">
                    {reply.author.name || reply.author.email} ·{" "}
                    <LocalTime iso={reply.createdAt.toISOString()} style="full" />
                  </span>
                </header>
                <p className="mt-2 text-xs text-slate-500">
                  {t("approval.to", { to: reply.to })}
                  {reply.cc ? ` · ${t("approval.cc", { cc: reply.cc })}` : ""} · {reply.subject}
                </p>
                <pre className="mt-2 max-h-64 overflow-auto font-sans text-sm whitespace-pre-wrap text-slate-800">
                  {reply.text}
                </pre>
                <HeldAttachments reply={reply} />
                <ReviewActions reply={reply} />
              </article>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
