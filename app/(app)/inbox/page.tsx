import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { COUNT_CAP } from "../../../server/conversations/inbox-folders.ts";
import { getT } from "../../i18n/server.ts";
import { localStatusLabels } from "../../i18n/translate.ts";
import { BulkOutcomeNotice } from "./bulk-outcome.tsx";
import { ConversationList } from "./conversation-list.tsx";
import type { ConversationRow } from "./conversation-row.tsx";
import { InboxFilters } from "./filters.tsx";
import { FolderNav } from "./folder-nav.tsx";
import { type InboxQuery, inboxHref, parseInboxQuery } from "./inbox-query.ts";
import { LayoutToggles } from "./layout-toggles.tsx";
import { MailboxNav } from "./mailbox-nav.tsx";
import { QuotaBanner } from "./quota-banner.tsx";
import { ReadingPane } from "./reading-pane.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("inbox.title") };
}

/**
 * How many conversations the view holds, when the folder count says so exactly: not with
 * a filter or the "waiting" sort on top, nor for a closed/spam count that stopped at COUNT_CAP.
 */
function viewTotal(query: InboxQuery, counts: Record<InboxQuery["folder"], number>): number | undefined {
  const filtered =
    query.assignee !== undefined || query.status || query.tagId !== undefined || query.sort === "waiting";
  const count = counts[query.folder];
  const capped = (query.folder === "closed" || query.folder === "spam") && count > COUNT_CAP;
  return filtered || capped ? undefined : count;
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function InboxPage({ searchParams }: { searchParams: SearchParams }) {
  const caller = await serverCaller();
  const t = await getT();
  const { mailboxes } = await caller.me.get();
  const params = await searchParams;
  const requested = params.mailbox;
  let current: (typeof mailboxes)[number] | null = null;
  if (requested !== undefined) {
    current = mailboxes.find((m) => String(m.id) === requested) ?? null;
    // Another team's mailbox looks exactly like one that does not exist.
    if (!current) notFound();
  }

  if (mailboxes.length === 0) {
    return (
      <div className="mx-auto max-w-3xl">
        <h1 className="text-2xl font-semibold tracking-tight">{t("inbox.title")}</h1>
        <div className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center">
          <p className="font-medium">{t("inbox.noMailbox")}</p>
          <p className="mt-1 text-sm text-slate-500">{t("inbox.noMailboxHint")}</p>
        </div>
      </div>
    );
  }

  const query = parseInboxQuery(params, current?.id);
  const [page, counts, options, serverLabels, quotaWarnings, preferences] = await Promise.all([
    caller.workflow.inbox(query),
    caller.workflow.counts({ mailboxId: current?.id }),
    caller.workflow.filterOptions({ mailboxId: current?.id }),
    caller.workflow.statusLabels(),
    caller.quotas.warnings(),
    caller.preferences.get(),
  ]);
  const layout = preferences.inbox;
  // The conversation in the reading pane (?open=), when the reader has the pane on.
  const openRaw = Array.isArray(params.open) ? params.open[0] : params.open;
  const openId = layout.readingPane && openRaw && /^[1-9]\d{0,9}$/.test(openRaw) ? Number(openRaw) : undefined;
  const labels = localStatusLabels(serverLabels, t);
  const rows: ConversationRow[] = page.items.map((c) => ({
    ...c,
    lastMessageAt: c.lastMessageAt.toISOString(),
    snoozedUntil: c.snoozedUntil?.toISOString() ?? null,
    waitingSince: c.waitingSince?.toISOString() ?? null,
  }));
  const filtered = query.folder !== "open" || query.assignee !== undefined || query.status || query.tagId !== undefined;
  const cursor = page.nextCursor
    ? {
        lastMessageAt: page.nextCursor.lastMessageAt.toISOString(),
        id: page.nextCursor.id,
        waitingSince: page.nextCursor.waitingSince?.toISOString() ?? null,
      }
    : null;
  const shown = current ? [current] : mailboxes;

  // With the reading pane on, wide screens get the list and the pane side by side; a compact
  // list without the pane gets the width its one-line rows can use.
  const frame = layout.readingPane
    ? "mx-auto max-w-3xl min-[1200px]:grid min-[1200px]:max-w-none min-[1200px]:grid-cols-[minmax(0,32rem)_minmax(0,1fr)] min-[1200px]:items-start min-[1200px]:gap-6"
    : layout.density === "compact"
      ? "mx-auto max-w-5xl"
      : "mx-auto max-w-3xl";
  return (
    <div className={frame}>
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">
          {t("inbox.title")}
          {current ? <span className="ml-2 text-base font-normal text-slate-500">{current.address}</span> : null}
        </h1>
        <QuotaBanner warnings={quotaWarnings.filter((w) => !current || w.mailboxId === current.id)} t={t} />
        {mailboxes.length > 1 ? <MailboxNav mailboxes={mailboxes} current={current?.id ?? null} /> : null}
        <FolderNav query={query} counts={counts} cap={COUNT_CAP} />
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
          <InboxFilters query={query} assignees={options.assignees} tags={options.tags} labels={labels} />
          <div className="mt-3">
            <LayoutToggles initial={layout} />
          </div>
        </div>
        <BulkOutcomeNotice />
        {rows.length === 0 && filtered ? (
          <p className="mt-6 rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
            {t("inbox.empty")}
          </p>
        ) : rows.length === 0 ? (
          <ul className="mt-6 space-y-4">
            {shown.map((mailbox) => (
              <li key={mailbox.id}>
                <section
                  aria-labelledby={`mailbox-${mailbox.id}`}
                  className="rounded-xl border border-stone-200 bg-white shadow-sm"
                >
                  <header className="flex items-center justify-between border-b border-stone-100 px-5 py-3">
                    <h2 id={`mailbox-${mailbox.id}`} className="font-medium">
                      {mailbox.displayName}
                      <span className="ml-2 text-sm font-normal text-slate-500">{mailbox.address}</span>
                    </h2>
                    <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs text-slate-600">
                      {mailbox.kind === "shared" ? t("inbox.shared") : t("inbox.personal")}
                    </span>
                  </header>
                  <p className="px-5 py-8 text-center text-sm text-slate-500">
                    {t("inbox.emptyMailbox", { address: mailbox.address })}
                  </p>
                </section>
              </li>
            ))}
          </ul>
        ) : (
          <ConversationList
            // A new list (another mailbox) starts from its own first page.
            key={inboxHref(query)}
            initial={rows}
            initialCursor={cursor}
            source={{ kind: "inbox", query }}
            label={t("list.conversations")}
            total={viewTotal(query, counts)}
            showMailbox={!current && mailboxes.length > 1}
            labels={labels}
            assignees={options.assignees}
            density={layout.density}
            now={Date.now()}
            readingPane={layout.readingPane}
            openId={openId}
          />
        )}
      </div>
      {layout.readingPane ? <ReadingPane openId={openId} closeHref={inboxHref(query)} /> : null}
    </div>
  );
}
