import { TRPCError } from "@trpc/server";
import { cache } from "react";
import { serverCaller } from "../../../../server/api/server-caller.ts";

/** A conversation id as a URL carries it (int4: larger names nothing). */
const CONVERSATION_ID = /^[1-9]\d{0,9}$/;

/**
 * The conversation for this request (page and title share one fetch), or null
 * for a malformed id, a missing conversation and another mailbox's alike.
 * What the view shows beside the messages starts at the same time
 * (loadConversationExtras): it needs only the id.
 */
export const loadConversation = cache(async (id: string) => {
  if (!CONVERSATION_ID.test(id)) return null;
  // Not awaited here: the view awaits it. A conversation that is not there is the page's 404,
  // and the extras' NOT_FOUND is nobody's error (handled, so never an unhandled rejection).
  loadConversationExtras(Number(id)).catch(() => {});
  try {
    return await (await serverCaller()).conversations.get({ conversationId: Number(id) });
  } catch (e) {
    if (e instanceof TRPCError && (e.code === "NOT_FOUND" || e.code === "BAD_REQUEST")) return null;
    throw e;
  }
});

/**
 * Everything else the conversation view shows, in one round (each is its own authorised
 * procedure; the request's gate is asked once for all of them and the conversation itself:
 * server/access/request-gate.ts). Started by loadConversation, beside the messages' fetch,
 * rather than after it.
 */
export const loadConversationExtras = cache(async (conversationId: number) => {
  const caller = await serverCaller();
  const [notes, tags, customerPanel, savedDraft, approval, workflow, history, serverLabels, me, preferences] =
    await Promise.all([
      caller.notes.list({ conversationId }),
      caller.tags.list({ conversationId }),
      caller.contacts.customer({ conversationId }),
      caller.drafts.get({ conversationId }),
      caller.approval.forConversation({ conversationId }),
      caller.workflow.state({ conversationId }),
      caller.workflow.history({ conversationId }),
      caller.workflow.statusLabels(),
      caller.me.session(),
      caller.preferences.get(),
    ]);
  return { notes, tags, customerPanel, savedDraft, approval, workflow, history, serverLabels, me, preferences };
});
