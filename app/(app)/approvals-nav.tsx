import Link from "next/link";
import { serverCaller } from "../../server/api/server-caller.ts";
import { getT } from "../i18n/server.ts";

/** "Approvals" in the main nav, with how many held replies wait — only for reviewers. */
export async function ApprovalsNav() {
  const { reviews, count } = await (await serverCaller()).approval.count();
  if (!reviews) return null;
  const t = await getT();
  return (
    <div className="px-3">
      <Link
        href="/approvals"
        className="flex items-center justify-between rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-stone-50 hover:text-slate-900"
      >
        {t("approval.title")}
        {count > 0 ? (
          <span
            className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-800"
            data-testid="approvals-count"
          >
            {count}
            <span className="sr-only"> {t("approval.waiting")}</span>
          </span>
        ) : null}
      </Link>
    </div>
  );
}
