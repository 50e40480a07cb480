// A conversation's message as it crosses to the browser: dates as ISO text (the tRPC client
// has no transformer). Pure: the conversation page (app/) converts the messages it starts
// expanded with it, and conversations.message the one a reader expands.
import type { ConversationMessage } from "./get-conversation.ts";

export type ConversationMessageJson = Omit<ConversationMessage, "date" | "internalDate"> & {
  date: string | null;
  internalDate: string;
};

export function messageJson(message: ConversationMessage): ConversationMessageJson {
  return { ...message, date: message.date?.toISOString() ?? null, internalDate: message.internalDate.toISOString() };
}
