"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { LocalTime } from "../../components/local-time.tsx";
import { notificationParts } from "../../components/notification-text.ts";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";

export interface NotificationRow {
  id: number;
  kind: string;
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

/** The notice's sentence ("{who} assigned {subject} to you"), who and subject emphasised, in the language's order. */
function NoticeText({ kind, who, subject }: { kind: string; who: string; subject: string }) {
  const t = useT();
  return (
    <>
      {notificationParts(t, kind, { who, subject }).map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed sentence
        <span key={i} className={part.emphasis ? "font-semibold text-slate-900" : "text-slate-600"}>
          {part.text}
        </span>
      ))}
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
          <NoticeText kind={item.kind} who={item.who} subject={item.subject} />
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
