import Link from "next/link";
import { getT } from "../../i18n/server.ts";
import type { MessageKey } from "../../i18n/translate.ts";
import { FOLDER_LINKS, type FolderName, type InboxQuery, inboxHref } from "./inbox-query.ts";

/** The folders with their counts (read on each navigation); the current one is marked for screen readers. */
export async function FolderNav({
  query,
  counts,
  cap,
}: {
  query: InboxQuery;
  counts: Record<FolderName, number>;
  /** Closed and Spam are counted up to this (inbox-folders.ts); above it they show as "cap+". */
  cap: number;
}) {
  const t = await getT();
  return (
    <nav aria-label={t("inbox.folders")} className="mt-4">
      <ul className="flex flex-wrap gap-1 border-b border-stone-200">
        {FOLDER_LINKS.map(({ folder }) => {
          const active = query.folder === folder;
          const count = counts[folder];
          // The working folders are counted exactly; only Closed and Spam stop at the cap.
          const capped = (folder === "closed" || folder === "spam") && count > cap;
          return (
            <li key={folder}>
              <Link
                // A folder keeps the mailbox and sort, and starts without the other filters.
                href={inboxHref({ mailboxId: query.mailboxId, folder, sort: query.sort })}
                aria-current={active ? "page" : undefined}
                className={`-mb-px inline-flex items-baseline gap-1.5 border-b-2 px-2.5 pb-2 text-sm font-medium focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none ${
                  active ? "border-slate-900 text-slate-900" : "border-transparent text-slate-500 hover:text-slate-800"
                }`}
              >
                {t(`folder.${folder}` as MessageKey)}
                <span
                  data-testid={`folder-count-${folder}`}
                  className={`rounded-full px-1.5 text-xs tabular-nums ${active ? "bg-slate-900 text-white" : "bg-stone-100 text-slate-600"}`}
                >
                  {capped ? `${cap}+` : count}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
