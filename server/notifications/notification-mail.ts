// The e-mail form of notifications: one notice, or a day's digest. Sent from
// a system sender with the null reverse-path (as a DSN is: a bounce of it
// must not bounce again) and Auto-Submitted (RFC 3834 §5) so that
// auto-responders stay quiet. The user's language, or both when unset.
import addressparser from "nodemailer/lib/addressparser/index.js";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { newMessageId } from "../outbound/message-header.ts";
import type { NotificationKind } from "./notification-kinds.ts";

export interface MailedNotice {
  kind: string;
  subject: string;
  actorName: string | null;
  conversationId: number | null;
}

export interface MailTarget {
  email: string;
  locale: string | null;
}

const LINES: Record<"en" | "ja", Record<NotificationKind, (actor: string) => string>> = {
  en: {
    "note.mention": (a) => `${a} mentioned you in a note`,
    "conversation.assigned": (a) => `${a} assigned a conversation to you`,
    "customer.replied": () => "The customer replied in a conversation assigned to you",
    "reply.approved": (a) => `${a} approved your reply`,
    "reply.returned": (a) => `${a} returned your reply`,
    "conversation.woke": () => "A snoozed conversation of yours is back",
  },
  ja: {
    "note.mention": (a) => `${a} さんがメモであなたをメンションしました`,
    "conversation.assigned": (a) => `${a} さんが会話をあなたに割り当てました`,
    "customer.replied": () => "あなたが担当する会話にお客様から返信がありました",
    "reply.approved": (a) => `${a} さんがあなたの返信を承認しました`,
    "reply.returned": (a) => `${a} さんがあなたの返信を差し戻しました`,
    "conversation.woke": () => "スヌーズしていたあなたの会話が戻りました",
  },
};

function languages(locale: string | null): ("en" | "ja")[] {
  return locale === "ja" ? ["ja"] : locale === "en" ? ["en"] : ["en", "ja"];
}

export function noticeLine(lang: "en" | "ja", notice: MailedNotice): string {
  const line = LINES[lang][notice.kind as NotificationKind];
  const actor = notice.actorName ?? (lang === "ja" ? "だれか" : "Someone");
  const what = line ? line(actor) : notice.kind;
  return notice.subject ? `${what}: ${notice.subject}` : what;
}

function link(publicUrl: string, notice: MailedNotice): string {
  const base = publicUrl.replace(/\/+$/, "");
  return notice.conversationId ? `${base}/conversations/${notice.conversationId}` : `${base}/notifications`;
}

function compose(input: {
  to: MailTarget;
  hostname: string;
  subject: string;
  text: string;
  now: Date;
  header: Record<string, string>;
  messageId: string;
}): Promise<Buffer> {
  const composer = new MailComposer({
    from: { name: "Yubin", address: `no-reply@${input.hostname}` },
    to: addressparser(input.to.email, { flatten: true }),
    subject: input.subject,
    text: input.text,
    date: input.now,
    messageId: `<${input.messageId}>`,
    headers: { "Auto-Submitted": "auto-generated", ...input.header },
  });
  return composer.compile().build();
}

export interface BuiltMail {
  raw: Buffer;
  messageIdHeader: string;
}

export async function noticeMail(input: {
  to: MailTarget;
  notice: MailedNotice;
  hostname: string;
  publicUrl: string;
  now: Date;
}): Promise<BuiltMail> {
  const langs = languages(input.to.locale);
  const lines = langs.map((l) => noticeLine(l, input.notice));
  const text = [...lines, "", link(input.publicUrl, input.notice)].join("\n");
  const messageIdHeader = newMessageId(input.hostname);
  const raw = await compose({
    ...input,
    subject: lines.join(" / ").slice(0, 400),
    text,
    header: { "X-Yubin-Notification": input.notice.kind },
    messageId: messageIdHeader,
  });
  return { raw, messageIdHeader };
}

export async function digestMail(input: {
  to: MailTarget;
  notices: MailedNotice[];
  hostname: string;
  publicUrl: string;
  now: Date;
}): Promise<BuiltMail> {
  const langs = languages(input.to.locale);
  const count = input.notices.length;
  const subject = langs
    .map((l) => (l === "ja" ? `未読の通知 ${count} 件` : `${count} unread notification${count === 1 ? "" : "s"}`))
    .join(" / ");
  const text: string[] = [];
  for (const lang of langs) {
    text.push(lang === "ja" ? "未読の通知:" : "Your unread notifications:", "");
    for (const notice of input.notices)
      text.push(`- ${noticeLine(lang, notice)}`, `  ${link(input.publicUrl, notice)}`);
    text.push("");
  }
  const messageIdHeader = newMessageId(input.hostname);
  const raw = await compose({
    ...input,
    subject,
    text: text.join("\n"),
    header: { "X-Yubin-Notification": "digest" },
    messageId: messageIdHeader,
  });
  return { raw, messageIdHeader };
}
