"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { LocalTime } from "../../components/local-time.tsx";
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
    await queryClient.invalidateQueries({ queryKey: trpc.collaboration.notifications.unreadCount.queryKey() });
  };
}

/** One notice: opening it marks it read and goes to the conversation. */
export function NotificationLink({ item }: { item: NotificationRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useRefresh();
  const markRead = useMutation(trpc.collaboration.notifications.markRead.mutationOptions());

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
          <span className="font-semibold text-slate-900">{item.who}</span>
          <span className="text-slate-600"> mentioned you in </span>
          <span className="font-medium text-slate-900">{item.subject}</span>
          {item.read ? null : <span className="sr-only"> (unread)</span>}
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
            aria-label={`Mark read: ${item.who} in ${item.subject}`}
            className="rounded px-1.5 py-0.5 text-slate-600 hover:bg-stone-100 hover:text-slate-900"
          >
            Mark read
          </button>
        )}
      </div>
    </div>
  );
}

export function MarkAllRead() {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const markAll = useMutation(trpc.collaboration.notifications.markAllRead.mutationOptions({ onSuccess: refresh }));
  return (
    <button
      type="button"
      onClick={() => markAll.mutate()}
      disabled={markAll.isPending}
      className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-stone-50 disabled:opacity-60"
    >
      Mark all read
    </button>
  );
}
