"use client";
// Admin → Queue: the summary per destination domain above the list of jobs;
// choosing a domain in the summary filters the list to it.
import { useState } from "react";
import { useT } from "../../../i18n/client.tsx";
import { Panel } from "../panel.tsx";
import { type QueueFilter, QueueJobs } from "./queue-jobs.tsx";
import { QueueSummary } from "./queue-summary.tsx";

export function QueueView() {
  const t = useT();
  const [filter, setFilter] = useState<QueueFilter>({ state: "waiting" });
  return (
    <div className="grid grid-cols-1 gap-6">
      <Panel id="queue-domains" title={t("queue.byDomain")}>
        <p className="mb-4 max-w-3xl text-sm text-slate-600">{t("queue.intro")}</p>
        <QueueSummary onDomain={(domain) => setFilter({ state: "waiting", domain })} />
      </Panel>
      <Panel id="queue-jobs" title={t("queue.jobs")}>
        <QueueJobs filter={filter} onFilter={setFilter} />
      </Panel>
    </div>
  );
}
