// The inbox's layout (density, reading pane; app/(app)/inbox/layout-toggles.tsx and Settings)
// and how long a customer has waited (app/(app)/inbox/waited.ts), spread into messages-en.ts
// and messages-ja.ts so that this feature's keys live together.
export const inboxLayoutEn = {
  "layout.toolbar": "Inbox layout",
  "layout.density": "Density",
  "layout.comfortable": "Comfortable",
  "layout.compact": "Compact",
  "layout.readingPane": "Reading pane",
  "layout.readingPaneHint": "On wide screens, open a conversation beside the list",
  "layout.settings": "Inbox",
  "layout.closePane": "Close reading pane",
  "layout.openFull": "Open full page",
  "layout.paneLabel": "Conversation",
  "layout.paneEmpty": "Choose a conversation to read it here.",
  "waited.label": "Waiting {time}",
  "waited.minutes": "{n} min",
  "waited.hours": "{n} h",
  "waited.days": "{n} d",
};

export const inboxLayoutJa: Record<keyof typeof inboxLayoutEn, string> = {
  "layout.toolbar": "受信トレイの表示",
  "layout.density": "表示密度",
  "layout.comfortable": "標準",
  "layout.compact": "コンパクト",
  "layout.readingPane": "閲覧ウィンドウ",
  "layout.readingPaneHint": "広い画面では、会話を一覧の横に開く",
  "layout.settings": "受信トレイ",
  "layout.closePane": "閲覧ウィンドウを閉じる",
  "layout.openFull": "ページ全体で開く",
  "layout.paneLabel": "会話",
  "layout.paneEmpty": "会話を選ぶと、ここに表示されます。",
  "waited.label": "待ち時間 {time}",
  "waited.minutes": "{n}分",
  "waited.hours": "{n}時間",
  "waited.days": "{n}日",
};
