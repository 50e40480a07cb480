import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { PLACEHOLDERS } from "../../../../server/saved-replies/placeholders.ts";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { SavedReplyEditor } from "./saved-reply-editor.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("admin.savedReplies") };
}

export default async function SavedRepliesPage() {
  await requireAdmin();
  const t = await getT();
  const caller = await serverCaller();
  const [replies, mailboxes] = await Promise.all([caller.savedReplies.manageable(), caller.admin.mailboxes.list()]);
  const choices = mailboxes.map((m) => ({ id: m.id, address: m.address }));
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <Panel id="saved-replies" title={t("admin.savedReplies")}>
        {replies.length === 0 ? (
          <p className="text-sm text-slate-500">{t("admin.noSavedReplies")}</p>
        ) : (
          <ul className="divide-y divide-stone-100">
            {replies.map((r) => (
              <li key={r.id} className="py-4 first:pt-0 last:pb-0">
                <SavedReplyEditor
                  mailboxes={choices}
                  existing={{ id: r.id, title: r.title, body: r.body, mailboxId: r.mailbox?.id ?? null }}
                />
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel id="add-saved-reply" title={t("admin.addASavedReply")}>
        <SavedReplyEditor mailboxes={choices} existing={null} />
        <p className="mt-4 text-xs text-slate-500">
          {t("admin.savedReplyHelp", { placeholders: PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ") })}
        </p>
      </Panel>
    </div>
  );
}
