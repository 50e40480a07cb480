// The reading pane: the conversation a row opened, beside the inbox list on wide screens
// (User.readingPane; below 1200 px a row opens the conversation's own page instead, and the
// pane stays hidden). The same view as the conversation page (conversation-view.tsx).

import { getT } from "../../i18n/server.ts";
import { ConversationView } from "../conversations/[id]/conversation-view.tsx";
import { loadConversation } from "../conversations/[id]/load-conversation.ts";

export async function ReadingPane({ openId, closeHref }: { openId: number | undefined; closeHref: string }) {
  const t = await getT();
  // Missing and another team's are alike: the pane stays empty.
  const conversation = openId !== undefined ? await loadConversation(String(openId)) : null;
  return (
    <section
      aria-label={t("layout.paneLabel")}
      data-testid="reading-pane"
      className="sticky top-4 hidden max-h-[calc(100vh-2rem)] min-w-0 overflow-y-auto rounded-xl border border-stone-200 bg-white p-5 shadow-sm min-[1200px]:block"
    >
      {conversation ? (
        <ConversationView key={conversation.id} conversation={conversation} pane={{ closeHref }} />
      ) : (
        <p className="py-16 text-center text-sm text-slate-500">{t("layout.paneEmpty")}</p>
      )}
    </section>
  );
}
