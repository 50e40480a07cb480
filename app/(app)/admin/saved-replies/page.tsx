import type { Metadata } from "next";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import { PLACEHOLDERS } from "../../../../server/saved-replies/placeholders.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { SavedReplyEditor } from "./saved-reply-editor.tsx";

export const metadata: Metadata = { title: "Saved replies" };

export default async function SavedRepliesPage() {
  await requireAdmin();
  const caller = await serverCaller();
  const [replies, mailboxes] = await Promise.all([
    caller.collaboration.savedReplies.manageable(),
    caller.admin.mailboxes.list(),
  ]);
  const choices = mailboxes.map((m) => ({ id: m.id, address: m.address }));
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <Panel title="Saved replies">
        {replies.length === 0 ? (
          <p className="text-sm text-slate-500">No saved replies yet.</p>
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
      <Panel title="Add a saved reply">
        <SavedReplyEditor mailboxes={choices} existing={null} />
        <p className="mt-4 text-xs text-slate-500">
          Placeholders: {PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")}. Members of a mailbox may also manage that
          mailbox&apos;s own saved replies; replies for all mailboxes are for admins.
        </p>
      </Panel>
    </div>
  );
}
