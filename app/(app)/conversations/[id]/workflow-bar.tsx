"use client";
// Status, assignment and snooze of one conversation. Each change sends the
// value this page showed; if someone changed it first the server answers
// CONFLICT, we say so and reload the current state instead of overwriting it.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { formatDate, LocalTime } from "../../../components/local-time.tsx";
import { nextConversationHref } from "../../../components/next-conversation.ts";
import { fromWallTime, parseWallTime } from "../../../components/zoned-time.ts";
import { useI18n } from "../../../i18n/client.tsx";
import { errorText } from "../../../i18n/error-text.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { presetTime } from "./snooze-presets.ts";

type Status = "open" | "pending" | "closed" | "spam";

export interface WorkflowBarProps {
  conversationId: number;
  me: number;
  status: Status;
  assigneeId: number | null;
  /** ISO, or null; a past time counts as not snoozed. */
  snoozedUntil: string | null;
  members: { id: number; name: string; email: string }[];
  labels: Record<Status, string>;
  /** Closing goes on to the next conversation (the user's setting), or to `fallbackHref`'s list. */
  goToNext: boolean;
  fallbackHref: string;
  /** Shown in the inbox's reading pane: the next conversation opens there too. */
  pane: boolean;
}

// Below sm each control takes a row of its own, full width and thumb-high.
const row = "flex w-full items-center gap-1.5 text-slate-600 sm:w-auto";
const rowLabel = "w-24 shrink-0 sm:w-auto";
const control =
  "min-h-11 min-w-0 flex-1 sm:min-h-0 sm:flex-none rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none disabled:opacity-60";

export function WorkflowBar(props: WorkflowBarProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const ids = useId();
  const { t, locale, timeZone } = useI18n();
  const zone = timeZone ?? undefined;
  const [message, setMessage] = useState<string | null>(null);
  const [custom, setCustom] = useState(false);
  const [customValue, setCustomValue] = useState("");
  const options = {
    onSuccess: () => {
      setMessage(null);
      setCustom(false);
      router.refresh();
    },
    // A conflict says what the conversation is now; reload so the controls show it.
    onError: (error: { message: string }) => {
      setMessage(errorText(error.message, t, (iso) => formatDate(new Date(iso), "full", locale, zone)));
      router.refresh();
    },
  };
  const setStatus = useMutation(
    trpc.workflow.setStatus.mutationOptions({
      ...options,
      onSuccess: (_, input) => {
        if (input.status === "closed" && props.goToNext) {
          router.push(nextConversationHref(props.conversationId, props.fallbackHref, props.pane), {
            scroll: !props.pane,
          });
          return;
        }
        options.onSuccess();
      },
    }),
  );
  const assign = useMutation(trpc.workflow.assign.mutationOptions(options));
  const snooze = useMutation(trpc.workflow.snooze.mutationOptions(options));
  const busy = setStatus.isPending || assign.isPending || snooze.isPending;
  const snoozed = props.snoozedUntil !== null && new Date(props.snoozedUntil) > new Date();
  const snoozable = props.status === "open" || props.status === "pending";
  const base = { conversationId: props.conversationId };
  const seenUntil = props.snoozedUntil === null ? null : new Date(props.snoozedUntil);

  function snoozeUntil(until: Date | null) {
    snooze.mutate({ ...base, until, expectedUntil: seenUntil });
  }

  function onSnooze(value: string) {
    if (value === "custom") {
      setCustom(true);
      return;
    }
    if (value === "wake") snoozeUntil(null);
    else {
      const until = presetTime(value, zone);
      if (until) snoozeUntil(until);
    }
  }

  return (
    <section
      aria-label={t("workflow.label")}
      className="mt-3 rounded-lg border border-stone-200 bg-white px-3 py-2 shadow-sm"
    >
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <span className={row}>
          <label htmlFor={`${ids}-status`} className={rowLabel}>
            {t("workflow.status")}
          </label>
          <select
            id={`${ids}-status`}
            data-shortcut="status"
            className={control}
            // While a change is on its way, show it; a refusal puts back what the server says.
            value={setStatus.isPending ? setStatus.variables.status : props.status}
            disabled={busy}
            onChange={(e) => setStatus.mutate({ ...base, status: e.target.value as Status, expected: props.status })}
          >
            {(["open", "pending", "closed", "spam"] as const).map((s) => (
              <option key={s} value={s}>
                {props.labels[s]}
              </option>
            ))}
          </select>
        </span>
        <span className={row}>
          <label htmlFor={`${ids}-assign`} className={rowLabel}>
            {t("workflow.assign")}
          </label>
          <select
            id={`${ids}-assign`}
            data-shortcut="assign"
            className={control}
            value={(assign.isPending ? assign.variables.assigneeId : props.assigneeId) ?? ""}
            disabled={busy}
            onChange={(e) =>
              assign.mutate({
                ...base,
                assigneeId: e.target.value === "" ? null : Number(e.target.value),
                expectedAssigneeId: props.assigneeId,
              })
            }
          >
            <option value="">{t("common.nobody")}</option>
            {props.members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name || m.email}
              </option>
            ))}
          </select>
        </span>
        {props.assigneeId !== props.me ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => assign.mutate({ ...base, assigneeId: props.me, expectedAssigneeId: props.assigneeId })}
            className="min-h-11 w-full rounded-md border border-stone-300 px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-stone-50 sm:min-h-0 sm:w-auto focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60"
          >
            {t("workflow.assignToMe")}
          </button>
        ) : null}
        <span className={row}>
          <label htmlFor={`${ids}-snooze`} className={rowLabel}>
            {t("workflow.snooze")}
          </label>
          <select
            id={`${ids}-snooze`}
            data-shortcut="snooze"
            className={control}
            value=""
            disabled={busy || (!snoozable && !snoozed)}
            title={snoozable ? undefined : t("workflow.snoozeOnlyOpen")}
            onChange={(e) => onSnooze(e.target.value)}
          >
            <option value="" disabled>
              {snoozed ? t("workflow.snoozed") : t("workflow.choose")}
            </option>
            <option value="later">{t("workflow.later")}</option>
            <option value="tomorrow">{t("workflow.tomorrow")}</option>
            <option value="next-week">{t("workflow.nextWeek")}</option>
            <option value="custom">{t("workflow.custom")}</option>
            {snoozed ? <option value="wake">{t("workflow.unsnooze")}</option> : null}
          </select>
        </span>
        {snoozed && props.snoozedUntil ? (
          <span className="text-xs text-violet-800" data-testid="snoozed-until">
            {t("workflow.snoozedUntil")} <LocalTime iso={props.snoozedUntil} style="full" />
          </span>
        ) : null}
      </div>
      {custom ? (
        <form
          className="mt-2 flex flex-wrap items-center gap-2 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            // datetime-local has no zone: it is read in the reader's zone, as times are shown.
            const wall = parseWallTime(customValue);
            if (!wall) setMessage(t("workflow.chooseTime"));
            else snoozeUntil(fromWallTime(wall, zone));
          }}
        >
          <label htmlFor={`${ids}-custom`} className="text-slate-600">
            {t("workflow.snoozeUntil")}
          </label>
          <input
            id={`${ids}-custom`}
            type="datetime-local"
            value={customValue}
            onChange={(e) => setCustomValue(e.target.value)}
            className={control}
          />
          <button
            type="submit"
            disabled={busy}
            className="rounded-md bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-60"
          >
            {t("workflow.snooze")}
          </button>
          <button
            type="button"
            onClick={() => setCustom(false)}
            className="text-sm text-slate-500 hover:text-slate-900"
          >
            {t("common.cancel")}
          </button>
        </form>
      ) : null}
      {message ? (
        <p role="alert" className="mt-2 text-sm text-amber-800">
          {message}
        </p>
      ) : null}
    </section>
  );
}
