import { type HeaderField, headerValue } from "./header-block.ts";

/** Header facts used for threading, loop and auto-reply decisions. */
export type TraceHeaders = {
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  receivedCount: number;
  autoSubmitted: string | null;
  listId: string | null;
  date: Date | null;
};

export function readTraceHeaders(fields: HeaderField[]): TraceHeaders {
  const date = new Date(headerValue(fields, "date") ?? "");
  const listId = headerValue(fields, "list-id");
  return {
    messageIdHeader: messageIds(headerValue(fields, "message-id"))[0] ?? null,
    // RFC 5322 §3.6.4 allows several ids in In-Reply-To; the last is the parent.
    inReplyTo: messageIds(headerValue(fields, "in-reply-to")).at(-1) ?? null,
    references: messageIds(headerValue(fields, "references")),
    // RFC 5321 §6.3: counting Received fields is how loops are detected.
    receivedCount: fields.filter((field) => field.name === "received").length,
    autoSubmitted: headerValue(fields, "auto-submitted"),
    // RFC 2919 §3: the list identifier is the part in angle brackets.
    listId: listId ? (/<([^<>]+)>/.exec(listId)?.[1] ?? listId).trim() : null,
    date: Number.isNaN(date.getTime()) ? null : date,
  };
}

/** Message ids without angle brackets (RFC 5322 §3.6.4 msg-id). */
function messageIds(value: string | null): string[] {
  if (!value) return [];
  const bracketed = [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] as string);
  if (bracketed.length > 0) return bracketed;
  // Some mailers omit the brackets; a lone token is still usable.
  return /^[^\s<>]+@[^\s<>]+$/.test(value.trim()) ? [value.trim()] : [];
}
