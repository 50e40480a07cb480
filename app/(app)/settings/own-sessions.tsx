"use client";
// The signed-in user's own web sessions: where and when each began, which
// one is this browser, and a button to end any of them (this one signs out
// here) or all the others at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../../server/api/root.ts";
import { FormMessage } from "../../components/form-message.tsx";
import { LocalTime } from "../../components/local-time.tsx";
import { useT } from "../../i18n/client.tsx";
import { useTRPC } from "../../trpc/client.ts";
import { deviceName } from "./device-name.ts";

type SessionList = inferRouterOutputs<AppRouter>["me"]["sessions"];

const BUTTON =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

/** `initial`: the list as the page was rendered with it (no empty flash before the first fetch). */
export function OwnSessions({ initial }: { initial?: SessionList }) {
  const trpc = useTRPC();
  const t = useT();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.me.sessions.queryOptions(undefined, { initialData: initial }));
  const reload = () => queryClient.invalidateQueries({ queryKey: trpc.me.sessions.queryKey() });
  const end = useMutation(
    trpc.me.endSession.mutationOptions({
      onSuccess: (result) => {
        if (result.signedOut) window.location.assign("/sign-in");
        else void reload();
      },
    }),
  );
  const endOthers = useMutation(trpc.me.endOtherSessions.mutationOptions({ onSuccess: () => void reload() }));
  const rows = sessions.data ?? [];
  const others = rows.filter((s) => !s.current).length;
  const busy = end.isPending || endOthers.isPending;
  return (
    <div className="space-y-3">
      {sessions.isPending ? null : rows.length === 0 ? (
        <p className="text-sm text-slate-500">{t("users.noSessions")}</p>
      ) : (
        <ul aria-label={t("settings.sessions")} className="divide-y divide-stone-100 text-sm">
          {rows.map((s) => {
            const device = s.userAgent ? deviceName(s.userAgent) : t("settings.unknownDevice");
            const address = s.ip ?? t("users.unknownAddress");
            const name = t(s.current ? "settings.thisSession" : "settings.otherSession", { device, address });
            return (
              <li key={s.id} aria-label={name} className="flex items-center justify-between gap-3 py-2">
                <div className="min-w-0">
                  <p className="truncate font-medium text-slate-800" title={s.userAgent ?? ""}>
                    {device}
                    {s.current ? (
                      <span className="ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-[11px] font-medium text-emerald-800 ring-1 ring-emerald-200 ring-inset">
                        {t("settings.thisBrowser")}
                      </span>
                    ) : null}
                  </p>
                  <p className="text-xs text-slate-500">
                    {address} · {t("settings.signedInAt")} <LocalTime iso={new Date(s.createdAt).toISOString()} />
                  </p>
                </div>
                <button
                  type="button"
                  className={BUTTON}
                  disabled={busy}
                  onClick={() => end.mutate({ sessionId: s.id })}
                >
                  {s.current ? t("settings.signOutHere") : t("users.endSession")}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {others > 0 ? (
        <button type="button" className={BUTTON} disabled={busy} onClick={() => endOthers.mutate()}>
          {t("settings.endOtherSessions")}
        </button>
      ) : null}
      <FormMessage
        error={end.error ?? endOthers.error ?? sessions.error}
        success={endOthers.data ? t("settings.otherSessionsEnded", { count: endOthers.data.ended }) : null}
      />
    </div>
  );
}
