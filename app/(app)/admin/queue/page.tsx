import type { Metadata } from "next";
import { getT } from "../../../i18n/server.ts";
import { requireAdmin } from "../require-admin.ts";
import { QueueView } from "./queue-view.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("queue.title") };
}

/** The outbound queue: what waits per destination domain, the jobs, retry and drop. */
export default async function QueuePage() {
  await requireAdmin();
  return <QueueView />;
}
