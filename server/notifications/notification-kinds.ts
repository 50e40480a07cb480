// The kinds of in-app notification, and the defaults a user has before
// choosing (no NotificationSetting row): in the app and in the browser on,
// e-mail off.

export const NOTIFICATION_KINDS = [
  "note.mention",
  "conversation.assigned",
  "customer.replied",
  "reply.approved",
  "reply.returned",
  "conversation.woke",
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationChannels {
  inApp: boolean;
  email: boolean;
  browser: boolean;
}

export const DEFAULT_CHANNELS: NotificationChannels = { inApp: true, email: false, browser: true };
