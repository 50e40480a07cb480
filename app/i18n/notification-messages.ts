// The words of notifications beyond mentions (the list, the browser's pop-up
// and Settings → Notifications), spread into messages-en.ts and
// messages-ja.ts so that this feature's keys live together. Each kind's
// sentence ("notifications.text.*") follows the kinds in
// server/notifications/notification-kinds.ts; {who} and {subject} are
// emphasised where the list shows them.
export const notificationEn = {
  "notifications.text.note.mention": "{who} mentioned you in {subject}",
  "notifications.text.conversation.assigned": "{who} assigned {subject} to you",
  "notifications.text.customer.replied": "The customer replied in {subject}",
  "notifications.text.reply.approved": "{who} approved your reply in {subject}",
  "notifications.text.reply.returned": "{who} returned your reply in {subject}",
  "notifications.text.conversation.woke": "{subject} is back from snooze",
  "notifications.emptyAll":
    "Nothing yet. Mentions, assignments, customer replies, reviews of your replies and snoozed conversations coming back show up here.",
  "notificationSettings.title": "Notifications",
  "notificationSettings.hint":
    "For each kind, choose where you hear about it. E-mails go to your own address; browser notifications show while Yubin is open in a tab.",
  "notificationSettings.kind": "Kind",
  "notificationSettings.kind.note.mention": "Someone mentions me in a note",
  "notificationSettings.kind.conversation.assigned": "A conversation is assigned to me",
  "notificationSettings.kind.customer.replied": "A customer replies in a conversation assigned to me",
  "notificationSettings.kind.reply.approved": "My held reply is approved",
  "notificationSettings.kind.reply.returned": "My held reply is returned",
  "notificationSettings.kind.conversation.woke": "A snoozed conversation of mine comes back",
  "notificationSettings.inApp": "In the app",
  "notificationSettings.email": "E-mail",
  "notificationSettings.browser": "Browser",
  "notificationSettings.toggle": "{channel}: {kind}",
  "notificationSettings.digest":
    "Also send me a daily digest of unread notifications by e-mail (at 8:00 in my time zone)",
  "notificationSettings.allowBrowser": "Allow browser notifications",
  "notificationSettings.browserAllowed": "This browser shows Yubin's notifications.",
  "notificationSettings.browserBlocked":
    "This browser blocks notifications from Yubin; allow them in the site settings.",
  "notificationSettings.browserUnsupported": "This browser cannot show notifications.",
};

export const notificationJa: typeof notificationEn = {
  "notifications.text.note.mention": "{who} さんが「{subject}」であなたをメンションしました",
  "notifications.text.conversation.assigned": "{who} さんが「{subject}」をあなたに割り当てました",
  "notifications.text.customer.replied": "「{subject}」にお客様から返信がありました",
  "notifications.text.reply.approved": "{who} さんが「{subject}」のあなたの返信を承認しました",
  "notifications.text.reply.returned": "{who} さんが「{subject}」のあなたの返信を差し戻しました",
  "notifications.text.conversation.woke": "「{subject}」のスヌーズが終わりました",
  "notifications.emptyAll":
    "まだ通知はありません。メンション、割り当て、お客様からの返信、返信の確認結果、スヌーズ明けの会話がここに表示されます。",
  "notificationSettings.title": "通知",
  "notificationSettings.hint":
    "種類ごとに通知の受け取り方を選びます。メールはご自身のアドレスに届き、ブラウザ通知は Yubin をタブで開いている間に表示されます。",
  "notificationSettings.kind": "種類",
  "notificationSettings.kind.note.mention": "メモでメンションされたとき",
  "notificationSettings.kind.conversation.assigned": "会話が自分に割り当てられたとき",
  "notificationSettings.kind.customer.replied": "担当する会話にお客様から返信があったとき",
  "notificationSettings.kind.reply.approved": "保留中の自分の返信が承認されたとき",
  "notificationSettings.kind.reply.returned": "保留中の自分の返信が差し戻されたとき",
  "notificationSettings.kind.conversation.woke": "スヌーズした自分の会話が戻ったとき",
  "notificationSettings.inApp": "アプリ内",
  "notificationSettings.email": "メール",
  "notificationSettings.browser": "ブラウザ",
  "notificationSettings.toggle": "{channel}: {kind}",
  "notificationSettings.digest": "未読の通知を毎日まとめてメールで受け取る(自分のタイムゾーンで 8:00)",
  "notificationSettings.allowBrowser": "ブラウザ通知を許可",
  "notificationSettings.browserAllowed": "このブラウザは Yubin の通知を表示します。",
  "notificationSettings.browserBlocked":
    "このブラウザは Yubin の通知をブロックしています。サイトの設定で許可してください。",
  "notificationSettings.browserUnsupported": "このブラウザは通知を表示できません。",
};
