"use client";
import { useQuery } from "@tanstack/react-query";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";

// Delivery state of a sent message. The conversation's states are one query
// shared by every badge, polled while any of them is still on its way (live
// updates over LISTEN/NOTIFY replace the polling later).
const POLL_MS = 3000;
const FINAL = new Set(["sent", "bounced", "local"]);

const LOOK: Record<string, { label: MessageKey; tone: string }> = {
  queued: { label: "delivery.queued", tone: "bg-stone-100 text-slate-700 ring-stone-200" },
  sent: { label: "delivery.sent", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  local: { label: "delivery.local", tone: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  deferred: { label: "delivery.deferred", tone: "bg-amber-50 text-amber-800 ring-amber-200" },
  bounced: { label: "delivery.bounced", tone: "bg-rose-50 text-rose-800 ring-rose-200" },
};

const BADGE = "inline-flex rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset";

export function DeliveryBadge({ conversationId, messageId }: { conversationId: number; messageId: number }) {
  const trpc = useTRPC();
  const t = useT();
  const { data } = useQuery(
    trpc.conversations.delivery.queryOptions(
      { conversationId },
      {
        refetchInterval: (query) => {
          const mine = query.state.data?.find((m) => m.messageId === messageId);
          return mine && FINAL.has(mine.state) ? false : POLL_MS;
        },
      },
    ),
  );
  const mine = data?.find((m) => m.messageId === messageId);
  if (!mine) return null;
  const stateName = (state: string) => {
    const key = LOOK[state]?.label;
    return key ? t(key) : state;
  };
  const look = { label: stateName(mine.state), tone: (LOOK[mine.state] ?? LOOK.queued)?.tone };
  const recipients = mine.recipients.map((r) => `${r.address}: ${stateName(r.state)}`).join("\n");
  if (!mine.reason) {
    return (
      <span data-testid="delivery-state" title={recipients || undefined} className={`${BADGE} ${look.tone}`}>
        {look.label}
      </span>
    );
  }
  // Deferred or bounced: the remote server's words, on hover and on click.
  return (
    <details className="group max-w-xs text-right">
      <summary
        data-testid="delivery-state"
        title={mine.reason}
        className={`${BADGE} ${look.tone} cursor-pointer list-none focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none`}
      >
        {look.label}
      </summary>
      <p className="mt-1 text-[11px] break-words text-slate-600">{mine.reason}</p>
    </details>
  );
}
