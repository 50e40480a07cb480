"use client";
import { useRelativeAge } from "../../../components/relative-age.tsx";
import { useT } from "../../../i18n/client.tsx";

function Waiting({ jobs, oldest }: { jobs: number; oldest: string }) {
  const t = useT();
  return <span>{t("serverStatus.queueJobs", { count: jobs, age: useRelativeAge(oldest) })}</span>;
}

/** "3 job(s) waiting, the oldest queued 2 hours ago", or "Empty". */
export function QueueDepth({ jobs, oldest }: { jobs: number; oldest: string | null }) {
  const t = useT();
  if (jobs === 0 || oldest === null) return <span>{t("serverStatus.queueEmpty")}</span>;
  return <Waiting jobs={jobs} oldest={oldest} />;
}
