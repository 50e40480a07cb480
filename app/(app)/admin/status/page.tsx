import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { MailChart } from "./mail-chart.tsx";
import { QueueDepth } from "./queue-depth.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("serverStatus.title") };
}

const LINK = "text-slate-900 underline decoration-stone-300 underline-offset-2 hover:decoration-slate-600";
const TH = "py-2 pr-3 font-medium";

/** Every process, storage, the queue, mail per hour and recent errors: what `yubin status` says, and more. */
export default async function ServerStatusPage() {
  await requireAdmin();
  const t = await getT();
  const health = await (await serverCaller()).admin.status.overview();
  const { nodes, storage, queue } = health;
  return (
    <div className="grid grid-cols-1 gap-6">
      <p className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
        <span>
          {t("serverStatus.checkedAt")} <LocalTime iso={health.at.toISOString()} style="full" />
        </span>
        <a href="/admin/status" className={LINK}>
          {t("serverStatus.refresh")}
        </a>
      </p>

      <Panel id="status-processes" title={t("serverStatus.processes")}>
        {nodes.length === 0 ? (
          <p className="text-sm text-slate-500">{t("serverStatus.noProcess")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colHost")}
                  </th>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colRoles")}
                  </th>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colListeners")}
                  </th>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colStarted")}
                  </th>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colHeartbeat")}
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    {t("serverStatus.colHealth")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {nodes.map((n) => (
                  <tr key={n.id} data-testid="status-process">
                    <th scope="row" className="py-2 pr-3 text-left font-medium break-all">
                      {n.hostname}
                      <span className="block text-xs font-normal text-slate-500">
                        {t("serverStatus.pid", { pid: n.pid })}
                      </span>
                    </th>
                    <td className="py-2 pr-3">{n.roles.join(", ")}</td>
                    <td className="py-2 pr-3 font-mono text-xs">
                      {Object.entries(n.listeners)
                        .map(([name, port]) => `${name}:${port}`)
                        .join(" ")}
                    </td>
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <LocalTime iso={n.startedAt} />
                    </td>
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <LocalTime iso={n.lastSeenAt} style="full" />
                    </td>
                    <td className="py-2">
                      {n.up ? (
                        <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-900">
                          {t("serverStatus.up")}
                        </span>
                      ) : (
                        <span className="rounded-full bg-rose-100 px-2 py-0.5 text-xs text-rose-900">
                          {t("serverStatus.down")}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <Panel id="status-storage" title={t("serverStatus.storage")}>
        <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-xs text-slate-500">{t("serverStatus.databaseSize")}</dt>
            <dd data-testid="status-database-size">{formatSize(storage.databaseBytes)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">{t("serverStatus.blobSize")}</dt>
            <dd>{formatSize(storage.blobBytes)}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">{t("serverStatus.queueDepth")}</dt>
            <dd data-testid="status-queue">
              <QueueDepth jobs={queue.jobs} oldest={queue.oldest?.toISOString() ?? null} />
              <Link href="/admin/queue" className={`${LINK} block text-xs`}>
                {t("serverStatus.openQueue")}
              </Link>
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-500">{t("serverStatus.migrations")}</dt>
            <dd>{t("serverStatus.migrationsOk", { count: health.migrationsApplied })}</dd>
          </div>
        </dl>
      </Panel>

      <Panel id="status-mail" title={t("serverStatus.mailPerHour")}>
        <MailChart hours={health.mailPerHour.map((h) => ({ ...h, hour: h.hour.toISOString() }))} />
      </Panel>

      <Panel id="status-errors" title={t("serverStatus.errors")}>
        {health.errors.length === 0 ? (
          <p className="text-sm text-slate-500">{t("serverStatus.noErrors")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-500">
                <tr>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colTime")}
                  </th>
                  <th scope="col" className={TH}>
                    {t("serverStatus.colWhere")}
                  </th>
                  <th scope="col" className="py-2 font-medium">
                    {t("serverStatus.colError")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {health.errors.map((e) => (
                  <tr key={e.id} data-testid="status-error" className="align-top">
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <LocalTime iso={e.at.toISOString()} style="full" />
                    </td>
                    <td className="py-2 pr-3 text-xs break-all text-slate-600">
                      {e.source}
                      <span className="block">
                        {e.hostname} · {t("serverStatus.pid", { pid: e.pid })}
                      </span>
                    </td>
                    <td className="py-2">
                      <pre className="max-h-40 overflow-auto font-mono text-xs whitespace-pre-wrap break-all">
                        {e.message}
                      </pre>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  );
}
