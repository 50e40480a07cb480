/** Every keyboard shortcut, as the help dialog (and README) lists them. */
export interface Shortcut {
  keys: string[];
  action: string;
  where: "Anywhere" | "Inbox" | "Conversation";
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ["/"], action: "Search", where: "Anywhere" },
  { keys: ["?"], action: "Show keyboard shortcuts", where: "Anywhere" },
  { keys: ["j"], action: "Next conversation", where: "Inbox" },
  { keys: ["k"], action: "Previous conversation", where: "Inbox" },
  { keys: ["o", "Enter"], action: "Open the selected conversation", where: "Inbox" },
  { keys: ["j"], action: "Next message", where: "Conversation" },
  { keys: ["k"], action: "Previous message", where: "Conversation" },
  { keys: ["r"], action: "Reply to the last message", where: "Conversation" },
  { keys: ["n"], action: "Add an internal note", where: "Conversation" },
  { keys: ["a"], action: "Assign (opens the Assign menu)", where: "Conversation" },
  { keys: ["e"], action: "Close the conversation", where: "Conversation" },
  { keys: ["s"], action: "Snooze (opens the Snooze menu)", where: "Conversation" },
];
