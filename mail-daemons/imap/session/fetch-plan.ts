// What a FETCH needs from storage (RFC 9051 §6.4.5), decided once per
// command: metadata only, the header block, or the whole message — and
// whether the whole message can be streamed rather than held.
import type { FetchItem } from "../parser/fetch-attributes.ts";

export interface FetchPlan {
  metadata: boolean;
  headers: boolean;
  fullMessage: boolean;
  /** The one body item is the whole message, so it is streamed from the backend. */
  streamWhole: boolean;
  /** A non-PEEK body item sets \Seen (§6.4.5). */
  marksSeen: boolean;
}

export function planFetch(items: readonly FetchItem[]): FetchPlan {
  const plan: FetchPlan = { metadata: false, headers: false, fullMessage: false, streamWhole: false, marksSeen: false };
  let wholeItems = 0;
  let otherFull = 0;
  for (const item of items) {
    switch (item.kind) {
      case "simple":
        if (item.name === "INTERNALDATE" || item.name === "RFC822.SIZE") plan.metadata = true;
        else if (item.name === "ENVELOPE" || item.name === "RFC822.HEADER") plan.headers = true;
        else if (item.name === "RFC822") {
          wholeItems += 1;
          plan.marksSeen = true;
        } else if (item.name === "RFC822.TEXT") {
          otherFull += 1;
          plan.marksSeen = true;
        } else if (item.name === "BODY" || item.name === "BODYSTRUCTURE") otherFull += 1;
        break;
      case "body": {
        if (!item.peek) plan.marksSeen = true;
        const { part, text } = item.section;
        if (part.length === 0 && (text === "HEADER" || text === "HEADER.FIELDS" || text === "HEADER.FIELDS.NOT"))
          plan.headers = true;
        else if (part.length === 0 && text === null && item.partial === null) wholeItems += 1;
        else otherFull += 1;
        break;
      }
      case "binary":
        if (!item.peek) plan.marksSeen = true;
        otherFull += 1;
        break;
      case "binary-size":
        otherFull += 1;
        break;
    }
  }
  plan.streamWhole = wholeItems === 1 && otherFull === 0;
  plan.fullMessage = otherFull > 0 || wholeItems > 1;
  return plan;
}
