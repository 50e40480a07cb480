// The dictionary lookup shared by the server (getT) and the client (useT):
// "{name}" in a message is replaced by params.name.
import type { en } from "./messages-en.ts";

export type MessageKey = keyof typeof en;
/** Every key of the English dictionary; a translation missing one does not type-check. */
export type Messages = Record<MessageKey, string>;
export type Locale = "en" | "ja";
export const LOCALES: readonly Locale[] = ["en", "ja"];
export type Params = Record<string, string | number>;
export type T = (key: MessageKey, params?: Params) => string;

export function translate(messages: Messages, key: MessageKey, params?: Params): string {
  const text = messages[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function makeT(messages: Messages): T {
  return (key, params) => translate(messages, key, params);
}

/** The default (English) status names are shown in the reader's language; names an admin chose stay as written. */
export function localStatusLabels<S extends "open" | "pending" | "closed" | "spam">(
  labels: Record<S, string>,
  t: T,
): Record<S, string> {
  const defaults: Record<string, MessageKey> = {
    open: "status.open",
    pending: "status.pending",
    closed: "status.closed",
    spam: "status.spam",
  };
  const english: Record<string, string> = { open: "Open", pending: "Pending", closed: "Closed", spam: "Spam" };
  const out = { ...labels };
  for (const s of Object.keys(labels) as S[]) {
    const key = defaults[s];
    if (key && labels[s] === english[s]) out[s] = t(key);
  }
  return out;
}
