"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorText } from "../../../components/error-text.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

const BUTTON =
  "rounded-md border border-stone-300 px-2 py-1 text-xs text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

/** End a user's sessions, disable or enable them. Your own row cannot disable you. */
export function UserActions({ user, self }: { user: { id: number; email: string; disabled: boolean }; self: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const t = useT();
  const [done, setDone] = useState<string | null>(null);
  const endSessions = useMutation(trpc.admin.users.endSessions.mutationOptions());
  const setDisabled = useMutation(trpc.admin.users.setDisabled.mutationOptions());
  const pending = endSessions.isPending || setDisabled.isPending;
  const error = endSessions.error ?? setDisabled.error;

  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <button
        type="button"
        className={BUTTON}
        disabled={pending}
        aria-label={t("admin.endSessionsOf", { email: user.email })}
        onClick={() =>
          endSessions.mutate(
            { userId: user.id },
            { onSuccess: () => setDone(t("admin.sessionsEnded", { email: user.email })) },
          )
        }
      >
        {t("admin.endSessions")}
      </button>
      {self ? null : (
        <button
          type="button"
          className={BUTTON}
          disabled={pending}
          aria-label={t(user.disabled ? "admin.enableUser" : "admin.disableUser", { email: user.email })}
          onClick={() =>
            setDisabled.mutate(
              { userId: user.id, disabled: !user.disabled },
              {
                onSuccess: (r) => {
                  setDone(t(r.disabled ? "admin.userDisabled" : "admin.userEnabled", { email: r.email }));
                  router.refresh();
                },
              },
            )
          }
        >
          {t(user.disabled ? "admin.enable" : "admin.disable")}
        </button>
      )}
      {error ? (
        <span role="alert" className="w-full text-right text-xs text-rose-700">
          <ErrorText error={error} />
        </span>
      ) : done ? (
        <span role="status" className="w-full text-right text-xs text-emerald-700">
          {done}
        </span>
      ) : null}
    </div>
  );
}
