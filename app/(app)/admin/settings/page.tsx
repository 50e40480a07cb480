import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { StatusLabelsForm } from "./status-labels-form.tsx";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireAdmin();
  const labels = await (await serverCaller()).workflow.statusLabels();
  return (
    <div className="max-w-xl">
      <Panel title="Status labels">
        <p className="mb-4 text-sm text-slate-500">
          What agents see for each status, e.g. 未処理 / 対応中 / 完了 / 迷惑. The statuses themselves stay the same.
        </p>
        <StatusLabelsForm initial={labels} />
      </Panel>
    </div>
  );
}
