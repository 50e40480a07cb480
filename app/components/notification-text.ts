// A notice's sentence in the reader's language, by kind; an unknown kind (a
// newer server) reads as a mention did before kinds existed.
import type { MessageKey, T } from "../i18n/translate.ts";

const TEXT: Record<string, MessageKey> = {
  "note.mention": "notifications.text.note.mention",
  "conversation.assigned": "notifications.text.conversation.assigned",
  "customer.replied": "notifications.text.customer.replied",
  "reply.approved": "notifications.text.reply.approved",
  "reply.returned": "notifications.text.reply.returned",
  "conversation.woke": "notifications.text.conversation.woke",
};

export function notificationTextKey(kind: string): MessageKey {
  return TEXT[kind] ?? "notifications.text.note.mention";
}

/** The sentence split around {who} and {subject}, so a list can emphasise them. */
export function notificationParts(
  t: T,
  kind: string,
  values: { who: string; subject: string },
): { text: string; emphasis: boolean }[] {
  const template = t(notificationTextKey(kind));
  return template
    .split(/(\{who\}|\{subject\})/)
    .filter(Boolean)
    .map((part) =>
      part === "{who}"
        ? { text: values.who, emphasis: true }
        : part === "{subject}"
          ? { text: values.subject, emphasis: true }
          : { text: part, emphasis: false },
    );
}

export function notificationSentence(t: T, kind: string, values: { who: string; subject: string }): string {
  return t(notificationTextKey(kind), values);
}
