import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getT } from "../../../i18n/server.ts";
import { ConversationView } from "./conversation-view.tsx";
import { loadConversation } from "./load-conversation.ts";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const conversation = await loadConversation((await params).id);
  const t = await getT();
  return { title: conversation ? conversation.subject || t("common.noSubject") : t("common.notFound") };
}

export default async function ConversationPage({ params }: { params: Params }) {
  const conversation = await loadConversation((await params).id);
  // Missing and not-a-member are the same 404.
  if (!conversation) notFound();
  return <ConversationView conversation={conversation} />;
}
