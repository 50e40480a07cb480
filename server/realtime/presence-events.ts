// Presence over PostgreSQL NOTIFY: who is viewing or typing in a conversation.
// Unlike the LiveEvent feed it is not logged: a Presence row lives only while
// its browser stream does (server/realtime/presence/), and a reconnecting stream gets
// a snapshot of the current rows instead of a replay.
export const PRESENCE_CHANNEL = "yubin_presence";

export const PRESENCE_STATES = ["viewing", "replying", "noting"] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** One stream's presence, as PRESENCE_CHANNEL carries it and the browser receives it. */
export interface PresenceNotice {
  streamId: string;
  userId: number;
  /** The user's display name (their email when the name is empty), cut to fit a NOTIFY payload. */
  name: string;
  mailboxId: number;
  conversationId: number;
  /** null: the stream left the conversation (navigated away, closed, expired). */
  state: PresenceState | null;
  /** How long the entry holds without another notice. */
  ttlMs: number;
}
