// The conversation's History: every AuditEvent about it, oldest first — status,
// assignment and snooze changes, and what the other features record (notes,
// tags, replies). Unknown actions still show, by their name.
import type { ReactNode } from "react";
import { LocalTime } from "../../../components/local-time.tsx";
import { getT } from "../../../i18n/server.ts";
import type { T } from "../../../i18n/translate.ts";

type Status = "open" | "pending" | "closed" | "spam";

export interface AuditEntry {
  id: number;
  action: string;
  actor: { id: number; name: string; email: string } | null;
  before: unknown;
  after: unknown;
  at: Date;
}

type Fields = Record<string, unknown> | null;

/**
 * A translated sentence with a time in it: the time is a <LocalTime>, so it is
 * shown in the reader's time zone (which only the browser may know), not UTC.
 */
function withTime(sentence: (when: string) => string, iso: unknown): ReactNode {
  if (typeof iso !== "string" || Number.isNaN(Date.parse(iso))) return sentence("");
  const marker = "\u0000";
  const [head = "", tail = ""] = sentence(marker).split(marker);
  return (
    <>
      {head}
      <LocalTime iso={new Date(iso).toISOString()} style="full" />
      {tail}
    </>
  );
}

function describe(entry: AuditEntry, labels: Record<Status, string>, names: Map<number, string>, t: T): ReactNode {
  const before = entry.before as Fields;
  const after = entry.after as Fields;
  const who = entry.actor ? entry.actor.name || entry.actor.email : t("history.system");
  const label = (s: unknown) => (typeof s === "string" && s in labels ? labels[s as Status] : String(s));
  const person = (id: unknown) =>
    typeof id === "number" ? (names.get(id) ?? t("history.user", { id })) : t("history.nobody");
  switch (entry.action) {
    case "conversation.status":
      return t("history.status", { who, from: label(before?.status), to: label(after?.status) });
    case "conversation.assigned":
      if (after?.via === "round-robin") return t("history.roundRobin", { person: person(after?.assigneeId) });
      return after?.assigneeId === null
        ? t("history.unassigned", { who })
        : t("history.assigned", { who, person: person(after?.assigneeId) });
    case "conversation.snoozed":
      return withTime((when) => t("history.snoozed", { who, when }), after?.snoozedUntil);
    case "conversation.unsnoozed":
      return t("history.unsnoozed", { who });
    case "conversation.woke":
      return t("history.woke", { status: label("open") });
    case "note.add":
      return t("history.note", { who });
    case "tag.add":
      return t("history.tagAdd", { who, name: String(after?.name ?? "") });
    case "tag.remove":
      return t("history.tagRemove", { who, name: String(before?.name ?? "") });
    case "reply.sent":
      return t("history.replySent", { who });
    case "reply.held":
      return t("history.replyHeld", { who });
    case "reply.approved":
      return t("history.replyApproved", { who, person: person(after?.authorId) });
    case "reply.returned":
      return t("history.replyReturned", { who, person: person(after?.authorId) });
    case "reply.approval_released":
      return t("history.replyReleased", { person: person(before?.reviewerId) });
    default:
      return t("history.other", { who, action: entry.action.replaceAll(/[._]/g, " ") });
  }
}

export async function AuditTrail({
  entries,
  labels,
  members,
}: {
  entries: AuditEntry[];
  labels: Record<Status, string>;
  members: { id: number; name: string; email: string }[];
}) {
  const t = await getT();
  const names = new Map(members.map((m) => [m.id, m.name || m.email]));
  for (const e of entries) if (e.actor) names.set(e.actor.id, e.actor.name || e.actor.email);
  return (
    <details className="mt-6 rounded-xl border border-stone-200 bg-white shadow-sm">
      <summary className="cursor-pointer px-5 py-3 text-sm font-medium text-slate-700 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none">
        {t("history.title")} <span className="font-normal text-slate-500">({entries.length})</span>
      </summary>
      {entries.length === 0 ? (
        <p className="border-t border-stone-100 px-5 py-4 text-sm text-slate-500">{t("history.empty")}</p>
      ) : (
        <ol aria-label={t("history.title")} className="divide-y divide-stone-100 border-t border-stone-100">
          {entries.map((entry) => (
            <li key={entry.id} className="flex items-baseline justify-between gap-4 px-5 py-2 text-sm">
              <span className="text-slate-700">{describe(entry, labels, names, t)}</span>
              <span className="shrink-0 text-xs text-slate-500 tabular-nums">
                <LocalTime iso={entry.at.toISOString()} style="full" />
              </span>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
