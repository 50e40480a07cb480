"use client";
import { colourOf, initials, usePresentUsers, useViewingPresence } from "../../../components/presence.tsx";
import { useT } from "../../../i18n/client.tsx";

const LINE = { viewing: "presence.viewing", replying: "presence.replying", noting: "presence.noting" } as const;

/** Under the header: who else has this conversation open, and who is typing in it. Reports this tab as viewing. */
export function PresenceBar({ conversationId }: { conversationId: number }) {
  useViewingPresence(conversationId);
  const users = usePresentUsers(conversationId);
  const t = useT();
  return (
    // Always in the page, so screen readers announce who arrives (a live region must exist before it changes).
    <div role="status" aria-label={t("presence.label")} className="mt-3 empty:hidden" data-testid="presence-bar">
      {users.length > 0 ? (
        <ul className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600">
          {users.map((user) => (
            <li key={user.userId} className="flex items-center gap-1.5" data-state={user.state}>
              <span
                aria-hidden="true"
                className={`inline-flex size-6 items-center justify-center rounded-full text-[10px] font-semibold ${colourOf(user.userId)}`}
              >
                {initials(user.name)}
              </span>
              <span className={user.state === "viewing" ? "" : "font-medium text-emerald-800"}>
                {t(LINE[user.state], { name: user.name })}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** At the top of the reply composer: others writing a reply to the same conversation right now. */
export function ReplyCollision({ conversationId }: { conversationId: number }) {
  const replying = usePresentUsers(conversationId).filter((user) => user.state === "replying");
  const t = useT();
  if (replying.length === 0) return null;
  return (
    <p
      className="border-b border-amber-200 bg-amber-50 px-5 py-2 text-sm font-medium text-amber-900"
      data-testid="reply-collision"
    >
      {replying.map((user) => t("presence.alsoReplying", { name: user.name })).join(" ")}
    </p>
  );
}
