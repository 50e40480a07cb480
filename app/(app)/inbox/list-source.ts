// Where a conversation list's rows come from, and so in which order they are.
import type { InboxQuery } from "./inbox-query.ts";

/** Where the next pages come from: an inbox folder view, or a search. */
export type ListSource = { kind: "inbox"; query: InboxQuery } | { kind: "search"; q: string };

/** Search results and the "newest" sort come newest first; the other sorts oldest first. */
export function newestFirst(source: ListSource): boolean {
  return source.kind === "search" || source.query.sort === "newest";
}
