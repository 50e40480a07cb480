import { TRPCError } from "@trpc/server";
import { cache } from "react";
import { serverCaller } from "../../../../server/api/server-caller.ts";

/**
 * The conversation for this request (page and title share one fetch), or null
 * for a malformed id, a missing conversation and another mailbox's alike.
 */
export const loadConversation = cache(async (id: string) => {
  if (!/^[1-9]\d{0,9}$/.test(id)) return null;
  try {
    return await (await serverCaller()).conversations.get({ conversationId: Number(id) });
  } catch (e) {
    if (e instanceof TRPCError && (e.code === "NOT_FOUND" || e.code === "BAD_REQUEST")) return null;
    throw e;
  }
});
