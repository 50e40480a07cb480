import type { MessageKey } from "../i18n/translate.ts";

/** Every keyboard shortcut, as the help dialog (and README) lists them; action and where are dictionary keys. */
export interface Shortcut {
  keys: string[];
  action: MessageKey;
  where: "shortcuts.anywhere" | "shortcuts.inbox" | "shortcuts.conversation";
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ["/"], action: "shortcuts.search", where: "shortcuts.anywhere" },
  { keys: ["?"], action: "shortcuts.help", where: "shortcuts.anywhere" },
  { keys: ["j"], action: "shortcuts.nextConversation", where: "shortcuts.inbox" },
  { keys: ["k"], action: "shortcuts.previousConversation", where: "shortcuts.inbox" },
  { keys: ["o", "Enter"], action: "shortcuts.open", where: "shortcuts.inbox" },
  { keys: ["x"], action: "bulk.shortcutToggle", where: "shortcuts.inbox" },
  { keys: ["j"], action: "shortcuts.nextMessage", where: "shortcuts.conversation" },
  { keys: ["k"], action: "shortcuts.previousMessage", where: "shortcuts.conversation" },
  { keys: ["r"], action: "shortcuts.reply", where: "shortcuts.conversation" },
  { keys: ["n"], action: "shortcuts.note", where: "shortcuts.conversation" },
  { keys: ["a"], action: "shortcuts.assign", where: "shortcuts.conversation" },
  { keys: ["e"], action: "shortcuts.close", where: "shortcuts.conversation" },
  { keys: ["s"], action: "shortcuts.snooze", where: "shortcuts.conversation" },
];
