import Link from "next/link";
import type { StoryEntry } from "../../../../../server/trace/trace-story.ts";
import { getT } from "../../../../i18n/server.ts";
import type { MessageKey } from "../../../../i18n/translate.ts";
import { TraceTime } from "../trace-time.tsx";

type Entry = Omit<StoryEntry, "at" | "time"> & { at: string; time?: string };

// Every sentence and explanation the story names is in the dictionary (TypeScript checks it here).
const storyKey = (key: StoryEntry["key"]): MessageKey => `trace.story.${key}`;
const whyKey = (why: NonNullable<StoryEntry["why"]>): MessageKey => `trace.why.${why}`;

const DOTS: Record<StoryEntry["tone"], string> = {
  ok: "bg-emerald-500",
  fail: "bg-rose-500",
  warn: "bg-amber-500",
  info: "bg-slate-300",
};

/** The story as a timeline: each step's sentence, the exact reply it rests on, and what that means. */
export async function StoryTimeline({
  entries,
  conversations,
}: {
  entries: Entry[];
  conversations: { id: number; canOpen: boolean }[];
}) {
  const t = await getT();
  const openable = new Set(conversations.filter((c) => c.canOpen).map((c) => c.id));
  return (
    <ol className="relative space-y-4 border-l border-stone-200 pl-5" data-testid="trace-timeline">
      {entries.map((entry, i) => {
        const params = Object.fromEntries(
          Object.entries(entry.params).map(([k, v]) => [k, typeof v === "number" ? v.toLocaleString() : v]),
        );
        // A time in the sentence is shown in the reader's zone: the sentence is split where it goes.
        const [before, after] = t(storyKey(entry.key), params).split("{time}");
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the story is fixed; its order is its identity.
          <li key={i} className="relative" data-tone={entry.tone}>
            <span
              aria-hidden="true"
              className={`absolute top-1.5 -left-[1.6rem] h-2.5 w-2.5 rounded-full ring-4 ring-white ${DOTS[entry.tone]}`}
            />
            <p className="text-sm text-slate-900">
              <span className="mr-2 text-xs text-slate-400">
                <TraceTime iso={entry.at} withDate={false} />
              </span>
              {before}
              {after !== undefined && entry.time ? (
                <>
                  <TraceTime iso={entry.time} />
                  {after}
                </>
              ) : null}
            </p>
            {entry.reply ? (
              <p className="mt-1 text-xs text-slate-600">
                <span className="sr-only">{t("trace.replyLabel")}: </span>
                <code className="rounded bg-stone-50 px-1.5 py-0.5 break-all text-slate-800">{entry.reply}</code>
              </p>
            ) : null}
            {entry.why ? (
              <p className="mt-1 text-sm text-slate-600" data-testid="trace-why">
                <span className="sr-only">{t("trace.whyLabel")}: </span>
                {t(whyKey(entry.why))}
              </p>
            ) : null}
            {entry.conversationId !== undefined && openable.has(entry.conversationId) ? (
              <p className="mt-1 text-sm">
                <Link
                  href={`/conversations/${entry.conversationId}`}
                  className="font-medium text-slate-800 underline underline-offset-2"
                >
                  {t("trace.openConversation", { id: entry.conversationId })}
                </Link>
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
