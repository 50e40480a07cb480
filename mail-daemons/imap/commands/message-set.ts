// The messages a command's sequence set names, in UIDs. RFC 9051 §6.4.5
// (FETCH) and §9: a sequence number beyond the mailbox is a client error
// (BAD); a UID set may name UIDs that do not exist, they are just skipped
// (§6.4.9).
import { ParseError } from "../parser/parse-error.ts";
import type { SequenceSet } from "../parser/sequence-set.ts";
import type { SelectedMailbox } from "../session/selected-mailbox.ts";

export function messagesOf(selected: SelectedMailbox, set: SequenceSet, byUid: boolean): number[] {
  if (!byUid && !selected.sequenceInRange(set)) throw new ParseError("Invalid message sequence number");
  return selected.resolve(set, byUid);
}
