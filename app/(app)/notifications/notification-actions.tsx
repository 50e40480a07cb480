"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { LocalTime } from "../../components/local-time.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

export interface NotificationRow {
  id: number;
  conversationId: number | null;
  read: boolean;
  who: string;
  subject: string;
  excerpt: string;
  at: string;
}

function useRefresh() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return async () => {
    router.refresh();
    await queryClient.invalidateQueries({ queryKey: trpc.notifications.unreadCount.queryKey() });
  };
}

/** "{who} mentioned you in {subject}", with who and subject emphasised; the word order is the language's. */
function Mention({ who, subject }: { who: string; subject: string }) {
  const t = useT();
  const marker = "\u0000";
  const parts = t("notifications.mentioned", { who: marker, subject: marker }).split(marker);
  const order = t("notifications.mentioned", { who: "\u0001", subject: "\u0002" });
  const whoFirst = order.indexOf("\u0001") < order.indexOf("\u0002");
  const [first, second] = whoFirst ? [who, subject] : [subject, who];
  return (
    <>
      {parts[0] ? <span className="text-slate-600">{parts[0]}</span> : null}
      <span className={`${whoFirst ? "font-semibold" : "font-medium"} text-slate-900`}>{first}</span>
      <span className="text-slate-600">{parts[1]}</span>
      <span className={`${whoFirst ? "font-medium" : "font-semibold"} text-slate-900`}>{second}</span>
      {parts[2] ? <span className="text-slate-600">{parts[2]}</span> : null}
    </>
  );
}

/** One notice: opening it marks it read and goes to the conversation. */
export function NotificationLink({ item }: { item: NotificationRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useRefresh();
  const t = useT();
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions());

  async function open() {
    if (!item.read) await markRead.mutateAsync({ ids: [item.id] }).catch(() => null);
    if (item.conversationId) router.push(`/conversations/${item.conversationId}`);
    else await refresh();
  }

  return (
    <div className={`flex items-start gap-3 px-5 py-4 ${item.read ? "" : "bg-sky-50/60"}`}>
      <span
        aria-hidden="true"
        className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${item.read ? "bg-transparent" : "bg-sky-500"}`}
      />
      <button
        type="button"
        onClick={open}
        className="min-w-0 flex-1 text-left focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-slate-400"
      >
        <p className="text-sm">
          <Mention who={item.who} subject={item.subject} />
          {item.read ? null : <span className="sr-only"> {t("notifications.unread")}</span>}
        </p>
        {item.excerpt ? <p className="mt-0.5 truncate text-sm text-slate-500">{item.excerpt}</p> : null}
      </button>
      <div className="flex shrink-0 flex-col items-end gap-1 text-xs text-slate-500">
        <LocalTime iso={item.at} />
        {item.read ? null : (
          <button
            type="button"
            onClick={async () => {
              await markRead.mutateAsync({ ids: [item.id] }).catch(() => null);
              await refresh();
            }}
            aria-label={t("notifications.markReadNamed", { who: item.who, subject: item.subject })}
            className="rounded px-1.5 py-0.5 text-slate-600 hover:bg-stone-100 hover:text-slate-900"
          >
            {t("notifications.markRead")}
          </button>
        )}
      </div>
    </div>
  );
}

export function MarkAllRead() {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const t = useT();
  const markAll = useMutation(trpc.notifications.markAllRead.mutationOptions({ onSuccess: refresh }));
  return (
    <button
      type="button"
      onClick={() => markAll.mutate()}
      disabled={markAll.isPending}
      className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-stone-50 disabled:opacity-60"
    >
      {t("notifications.markAllRead")}
    </button>
  );
}
