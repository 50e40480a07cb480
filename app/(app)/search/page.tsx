import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { FormMessage } from "../../components/form-message.tsx";
import { getT } from "../../i18n/server.ts";
import { localStatusLabels, type MessageKey } from "../../i18n/translate.ts";
import { type SearchCursor, SearchResults, type SearchRow } from "./search-results.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("shell.search") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// The examples are query syntax and stay as typed; their meaning is translated.
const HELP: [string, MessageKey][] = [
  ["請求書 再発行", "search.helpWords"],
  ['"late payment"', "search.helpPhrase"],
  ["from:tanaka  to:support  subject:見積", "search.helpFields"],
  ["status:open  assignee:me  assignee:none  tag:vip", "search.helpFilters"],
  ["mailbox:support@example.com  has:attachment", "search.helpMailbox"],
  ["after:2026-11-01  before:2026-12-01", "search.helpDates"],
  ["-status:closed  -refund", "search.helpExclude"],
];

export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? "";
  const t = await getT();
  let error: { message: string } | null = null;
  let rows: SearchRow[] = [];
  let cursor: SearchCursor = null;
  const caller = await serverCaller();
  // The rows look as in the inbox: status labels, the user's density, the mailbox when they have several.
  const [serverLabels, { mailboxes }, preferences] = await Promise.all([
    caller.workflow.statusLabels(),
    caller.me.get(),
    caller.preferences.get(),
  ]);
  if (q) {
    try {
      const page = await caller.search.conversations({ q });
      rows = page.items.map((c) => ({
        ...c,
        lastMessageAt: c.lastMessageAt.toISOString(),
        snoozedUntil: c.snoozedUntil?.toISOString() ?? null,
        waitingSince: null,
      }));
      cursor = page.nextCursor
        ? { lastMessageAt: page.nextCursor.lastMessageAt.toISOString(), id: page.nextCursor.id }
        : null;
    } catch (e) {
      if (e instanceof TRPCError && e.code === "BAD_REQUEST") error = { message: e.message };
      else throw e;
    }
  }

  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">
        {t("shell.search")}
        {q ? <span className="ml-2 text-base font-normal break-all text-slate-500">{q}</span> : null}
      </h1>
      {error ? (
        <div className="mt-6">
          <FormMessage error={error} />
        </div>
      ) : null}
      {!q || error ? (
        <section
          aria-labelledby="search-help"
          className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
        >
          <h2 id="search-help" className="font-medium">
            {t("search.howTo")}
          </h2>
          <dl className="mt-3 space-y-2 text-sm">
            {HELP.map(([example, meaning]) => (
              <div key={example} className="flex flex-wrap gap-x-3">
                <dt>
                  <code className="rounded bg-stone-100 px-1.5 py-0.5 text-slate-800">{example}</code>
                </dt>
                <dd className="text-slate-500">{t(meaning)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : rows.length === 0 ? (
        <div className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center">
          <p className="font-medium">{t("search.noMatch")}</p>
          <p className="mt-1 text-sm text-slate-500">{t("search.noMatchHint")}</p>
        </div>
      ) : (
        <SearchResults
          key={q}
          q={q}
          initial={rows}
          initialCursor={cursor}
          labels={localStatusLabels(serverLabels, t)}
          showMailbox={mailboxes.length > 1}
          density={preferences.inbox.density}
        />
      )}
    </div>
  );
}
