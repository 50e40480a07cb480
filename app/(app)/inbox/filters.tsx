"use client";
// Assignee, status, tag and sort for the current folder; each change navigates
// to the view's URL (inbox-query.ts), so the server renders the first page.
import { useRouter } from "next/navigation";
import { useId } from "react";
import { useT } from "../../i18n/client.tsx";
import { type InboxQuery, inboxHref, type SortName, type StatusName } from "./inbox-query.ts";

const select =
  "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";

export function InboxFilters({
  query,
  assignees,
  tags,
  labels,
}: {
  query: InboxQuery;
  assignees: { id: number; name: string; email: string }[];
  tags: { id: number; name: string }[];
  labels: Record<StatusName, string>;
}) {
  const router = useRouter();
  const id = useId();
  const t = useT();
  const go = (change: Partial<InboxQuery>) => router.push(inboxHref({ ...query, ...change }));
  return (
    <form
      aria-label={t("filters.label")}
      className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-slate-600"
    >
      <span className="flex items-center gap-1.5">
        <label htmlFor={`${id}-assignee`}>{t("filters.assignee")}</label>
        <select
          id={`${id}-assignee`}
          className={select}
          value={query.assignee ?? ""}
          onChange={(e) => {
            const v = e.target.value;
            go({ assignee: v === "" ? undefined : v === "none" ? "none" : Number(v) });
          }}
        >
          <option value="">{t("filters.anyone")}</option>
          <option value="none">{t("common.nobody")}</option>
          {assignees.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name || a.email}
            </option>
          ))}
        </select>
      </span>
      <span className="flex items-center gap-1.5">
        <label htmlFor={`${id}-status`}>{t("filters.status")}</label>
        <select
          id={`${id}-status`}
          className={select}
          value={query.status ?? ""}
          onChange={(e) => go({ status: (e.target.value || undefined) as StatusName | undefined })}
        >
          <option value="">{t("common.any")}</option>
          {(["open", "pending", "closed", "spam"] as const).map((s) => (
            <option key={s} value={s}>
              {labels[s]}
            </option>
          ))}
        </select>
      </span>
      <span className="flex items-center gap-1.5">
        <label htmlFor={`${id}-tag`}>{t("filters.tag")}</label>
        <select
          id={`${id}-tag`}
          className={select}
          value={query.tagId ?? ""}
          onChange={(e) => go({ tagId: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">{t("common.any")}</option>
          {tags.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </span>
      <span className="flex items-center gap-1.5">
        <label htmlFor={`${id}-sort`}>{t("filters.sort")}</label>
        <select
          id={`${id}-sort`}
          className={select}
          value={query.sort}
          onChange={(e) => go({ sort: e.target.value as SortName })}
        >
          <option value="newest">{t("filters.newest")}</option>
          <option value="oldest">{t("filters.oldest")}</option>
          <option value="waiting">{t("filters.waiting")}</option>
        </select>
      </span>
    </form>
  );
}
