"use client";
// The inbox's bulk actions: what is checked (use-bulk-selection.ts) gets one action in one
// request (bulk.run: each conversation through the gate and its own domain function,
// audited per conversation), then a notice with Undo (bulk-outcome.tsx: bulk.undo puts back
// exactly what changed). Conversations the server skipped are counted with the reason.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { MAX_BULK_CONVERSATIONS } from "../../../server/limits.ts";
import type { ConversationStatus } from "../../components/status-badge.tsx";
import { useI18n } from "../../i18n/client.tsx";
import { errorText } from "../../i18n/error-text.ts";
import { useTRPC } from "../../trpc/client.ts";
import { presetTime } from "../conversations/[id]/snooze-presets.ts";
import { showBulkOutcome, skippedText } from "./bulk-outcome.tsx";
import type { InboxQuery } from "./inbox-query.ts";
import type { BulkSelection } from "./use-bulk-selection.ts";

const control =
  "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none disabled:opacity-60";
const button =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";

type Action =
  | { kind: "assign"; assigneeId: number | null }
  | { kind: "status"; status: "open" | "pending" | "closed" }
  | { kind: "tag"; name: string }
  | { kind: "snooze"; until: Date }
  | { kind: "spam" }
  | { kind: "delete" };

export function BulkBar({
  selection,
  query,
  loaded,
  total,
  hasMore,
  assignees,
  labels,
}: {
  selection: BulkSelection;
  query: InboxQuery;
  /** Rows loaded so far. */
  loaded: number;
  /** The folder's count, when known. */
  total?: number;
  /** The folder holds rows not loaded yet. */
  hasMore: boolean;
  assignees: { id: number; name: string; email: string }[];
  labels?: Record<ConversationStatus, string>;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const ids = useId();
  const { t, locale, timeZone } = useI18n();
  const [tag, setTag] = useState("");
  const number = new Intl.NumberFormat(locale);
  const count = selection.wholeFolder && total !== undefined ? total : selection.checked.size;
  const some = selection.checked.size > 0 || selection.wholeFolder;
  const allLoaded = loaded > 0 && selection.checked.size >= loaded;

  const run = useMutation(
    trpc.bulk.run.mutationOptions({
      onSuccess: (result) => {
        selection.clear();
        setTag("");
        showBulkOutcome({
          text:
            result.done.length === 1
              ? t("bulk.doneOne")
              : t("bulk.doneMany", { count: number.format(result.done.length) }),
          skipped: skippedText(result.skipped, t, number),
          more: result.more,
          undo: result.undo.length ? result.undo : null,
        });
        router.refresh();
      },
    }),
  );

  const busy = run.isPending;
  function act(action: Action) {
    if (!some || busy) return;
    showBulkOutcome(null);
    const { folder, assignee, status, tagId, sort, mailboxId } = query;
    const target = selection.wholeFolder
      ? { folder, assignee, status, tagId, sort }
      : { conversationIds: [...selection.checked].slice(0, MAX_BULK_CONVERSATIONS) };
    run.mutate({ mailboxId, target, action });
  }

  const statuses = ["open", "pending", "closed"] as const;
  return (
    <div className="mt-2">
      <section
        aria-label={t("bulk.toolbar")}
        className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-stone-200 bg-white px-3 py-2 text-sm shadow-sm"
      >
        <input
          type="checkbox"
          aria-label={t("bulk.selectLoaded")}
          className="ml-2 size-4 cursor-pointer accent-slate-700"
          checked={allLoaded || selection.wholeFolder}
          onChange={(e) => selection.setLoaded(e.target.checked)}
        />
        {some ? (
          <>
            <span className="text-slate-700 tabular-nums" data-testid="bulk-count">
              {selection.wholeFolder && total === undefined
                ? t("bulk.folderSelected")
                : t("bulk.selected", { count: number.format(count) })}
            </span>
            {allLoaded && hasMore && !selection.wholeFolder ? (
              <button type="button" className={button} onClick={selection.selectFolder}>
                {total !== undefined
                  ? t("bulk.selectFolder", { count: number.format(total) })
                  : t("bulk.selectFolderUnknown")}
              </button>
            ) : null}
            <select
              aria-label={t("bulk.assign")}
              className={control}
              value=""
              disabled={busy}
              onChange={(e) => {
                const v = e.target.value;
                if (v !== "") act({ kind: "assign", assigneeId: v === "none" ? null : Number(v) });
              }}
            >
              <option value="">{t("bulk.assignChoose")}</option>
              <option value="none">{t("bulk.nobody")}</option>
              {assignees.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name || m.email}
                </option>
              ))}
            </select>
            <select
              aria-label={t("bulk.status")}
              className={control}
              value=""
              disabled={busy}
              onChange={(e) => {
                const v = e.target.value as (typeof statuses)[number] | "";
                if (v) act({ kind: "status", status: v });
              }}
            >
              <option value="">{t("bulk.statusChoose")}</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {labels?.[s] ?? s}
                </option>
              ))}
            </select>
            <select
              aria-label={t("bulk.snooze")}
              className={control}
              value=""
              disabled={busy}
              onChange={(e) => {
                const until = presetTime(e.target.value, timeZone ?? undefined);
                if (until) act({ kind: "snooze", until });
              }}
            >
              <option value="">{t("bulk.snoozeChoose")}</option>
              <option value="later">{t("workflow.later")}</option>
              <option value="tomorrow">{t("workflow.tomorrow")}</option>
              <option value="next-week">{t("workflow.nextWeek")}</option>
            </select>
            <form
              className="flex items-center gap-1"
              onSubmit={(e) => {
                e.preventDefault();
                if (tag.trim()) act({ kind: "tag", name: tag.trim() });
              }}
            >
              <input
                id={`${ids}-tag`}
                aria-label={t("bulk.tagName")}
                placeholder={t("bulk.tagPlaceholder")}
                className={`${control} w-28`}
                value={tag}
                maxLength={40}
                onChange={(e) => setTag(e.target.value)}
              />
              <button type="submit" className={button} disabled={busy || !tag.trim()}>
                {t("bulk.tagApply")}
              </button>
            </form>
            <button type="button" className={button} disabled={busy} onClick={() => act({ kind: "spam" })}>
              {t("bulk.spam")}
            </button>
            <button
              type="button"
              className={`${button} text-rose-800`}
              disabled={busy}
              onClick={() => act({ kind: "delete" })}
            >
              {t("bulk.delete")}
            </button>
            <button type="button" className={button} disabled={busy} onClick={selection.clear}>
              {t("bulk.clear")}
            </button>
            {busy ? (
              <span className="text-slate-500">{run.isPending ? t("bulk.working") : t("bulk.undoing")}</span>
            ) : null}
          </>
        ) : null}
      </section>
      {selection.wholeFolder && (total === undefined || total > MAX_BULK_CONVERSATIONS) ? (
        <p className="mt-1 text-xs text-slate-500">
          {t("bulk.overLimit", { max: number.format(MAX_BULK_CONVERSATIONS) })}
        </p>
      ) : null}
      {run.error ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {errorText(run.error.message, t)}
        </p>
      ) : null}
    </div>
  );
}
