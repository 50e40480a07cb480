import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { errorText } from "../../../i18n/error-text.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { BADGE, KIND_LABELS, RESULT_LABELS, RESULT_STYLES } from "./trace-labels.ts";
import { type TraceFilters, TraceSearchForm } from "./trace-search-form.tsx";
import { TraceTime } from "./trace-time.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("trace.title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const RESULTS = ["delivered", "rejected", "deferred", "bounced", "abandoned"] as const;

/** "2026-12-04T09:00:00.000Z_123": the last row of the page before. */
function cursorOf(value: string | undefined) {
  const m = /^(.+)_(\d{1,16})$/.exec(value ?? "");
  const startedAt = m ? new Date(m[1] as string) : null;
  return m && startedAt && !Number.isNaN(startedAt.getTime()) ? { startedAt, id: Number(m[2]) } : null;
}

/** Admin → Trace: every SMTP transaction in and out, searched; each hit links to its story. */
export default async function TracePage({ searchParams }: { searchParams: SearchParams }) {
  await requireAdmin();
  const t = await getT();
  const raw = await searchParams;
  const param = (name: string) => {
    const value = raw[name];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    return text ? text : undefined;
  };
  const filters: TraceFilters = {
    sender: param("sender"),
    recipient: param("recipient"),
    subject: param("subject"),
    mid: param("mid"),
    client: param("client"),
    result: RESULTS.find((r) => r === param("result")),
    since: param("since"),
    until: param("until"),
  };
  const message = Number(param("message"));
  const caller = await serverCaller();
  let found: Awaited<ReturnType<typeof caller.trace.search>> | null = null;
  let problem: string | null = null;
  try {
    found = await caller.trace.search({
      sender: filters.sender,
      recipient: filters.recipient,
      subject: filters.subject,
      messageIdHeader: filters.mid,
      clientAddress: filters.client,
      result: filters.result,
      since: filters.since ? new Date(filters.since) : undefined,
      until: filters.until ? new Date(filters.until) : undefined,
      message: Number.isSafeInteger(message) && message > 0 ? message : undefined,
      cursor: cursorOf(param("after")),
    });
  } catch (e) {
    if (!(e instanceof TRPCError) || (e.code !== "BAD_REQUEST" && e.code !== "NOT_FOUND")) throw e;
    problem = errorText(e.message, t);
  }
  const next = found?.nextCursor
    ? (() => {
        const params = new URLSearchParams(
          Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" && k !== "after" ? [[k, v]] : [])),
        );
        params.set("after", `${new Date(found.nextCursor.startedAt).toISOString()}_${found.nextCursor.id}`);
        return `/admin/trace?${params.toString()}`;
      })()
    : null;
  return (
    <div className="grid grid-cols-1 gap-6">
      <Panel id="trace-search" title={t("trace.title")}>
        <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("trace.intro")}</p>
        <TraceSearchForm
          initial={{ ...filters, mid: filters.mid ?? found?.messageIdHeader ?? undefined }}
          maxRangeDays={found?.maxRangeDays ?? 31}
        />
      </Panel>
      <Panel id="trace-results" title={t("trace.results")}>
        {problem ? (
          <p role="alert" className="text-sm text-rose-700">
            {problem}
          </p>
        ) : !found || found.items.length === 0 ? (
          <p className="text-sm text-slate-500">{t("trace.none")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{t("trace.results")}</caption>
              <thead className="text-xs text-slate-500">
                <tr>
                  {(
                    [
                      "trace.col.time",
                      "trace.col.kind",
                      "trace.col.sender",
                      "trace.col.recipients",
                      "trace.col.subject",
                      "trace.col.result",
                      "trace.col.reply",
                    ] as const
                  ).map((key) => (
                    <th key={key} scope="col" className="py-2 pr-3 font-medium">
                      {t(key)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {found.items.map((item) => (
                  <tr key={item.id} data-testid="trace-row" className="align-top">
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <TraceTime iso={new Date(item.startedAt).toISOString()} />
                    </td>
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      {t(KIND_LABELS[item.kind] ?? "trace.kind.mx")}
                    </td>
                    <td className="py-2 pr-3 break-all text-slate-700">
                      {item.mailFrom === null ? "—" : item.mailFrom === "" ? "<>" : item.mailFrom}
                    </td>
                    <td className="py-2 pr-3 break-all text-slate-700">{item.recipients.join(", ") || "—"}</td>
                    <td className="py-2 pr-3 break-words">
                      <Link
                        href={`/admin/trace/${item.id}`}
                        className="font-medium text-slate-900 underline-offset-2 hover:underline focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
                      >
                        {item.subject || t("common.noSubject")}
                      </Link>
                    </td>
                    <td className="py-2 pr-3">
                      <span className={`${BADGE} ${RESULT_STYLES[item.result] ?? ""}`}>
                        {t(RESULT_LABELS[item.result] ?? "trace.result.abandoned")}
                      </span>
                    </td>
                    <td className="py-2 font-mono text-xs break-all text-slate-600">{item.replyText ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {next ? (
              <p className="mt-4">
                <Link href={next} className="text-sm font-medium text-slate-700 underline underline-offset-2">
                  {t("trace.more")}
                </Link>
              </p>
            ) : null}
          </div>
        )}
      </Panel>
    </div>
  );
}
