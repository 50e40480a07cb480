// SELECT/EXAMINE parameters: (CONDSTORE) (RFC 7162 §3.1.8) and
// (QRESYNC (uidvalidity modseq [known-uids [(seq-match-data)]])) (§3.2.5).
import type { Cursor } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";
import { parseSequenceSet, type SequenceSet } from "./sequence-set.ts";

export interface QresyncParameters {
  uidValidity: number;
  modseq: number;
  knownUids: SequenceSet | null;
  /** Known sequence numbers and their UIDs; used to narrow VANISHED, which we may also send in full. */
  sequenceMatch: { sequences: SequenceSet; uids: SequenceSet } | null;
}

export interface SelectParameters {
  condstore: boolean;
  qresync: QresyncParameters | null;
}

export function parseSelectParameters(cursor: Cursor): SelectParameters {
  const parameters: SelectParameters = { condstore: false, qresync: null };
  if (!cursor.trySp()) return parameters;
  cursor.list(() => {
    if (cursor.tryWord("CONDSTORE")) parameters.condstore = true;
    else if (cursor.tryWord("QRESYNC")) {
      cursor.sp();
      parameters.qresync = parseQresync(cursor);
    } else throw new ParseError(`Unknown SELECT parameter ${cursor.preview()}`);
  });
  return parameters;
}

function parseQresync(cursor: Cursor): QresyncParameters {
  cursor.expectChar("(");
  cursor.enter();
  const uidValidity = cursor.nzNumber();
  cursor.sp();
  const modseq = cursor.modseq();
  let knownUids: SequenceSet | null = null;
  let sequenceMatch: QresyncParameters["sequenceMatch"] = null;
  if (cursor.trySp()) {
    if (cursor.peek() !== 0x28) {
      knownUids = parseSequenceSet(cursor);
      if (cursor.trySp()) sequenceMatch = parseSequenceMatch(cursor);
    } else {
      sequenceMatch = parseSequenceMatch(cursor);
    }
  }
  cursor.expectChar(")");
  cursor.leave();
  if (knownUids?.kind === "saved") throw new ParseError("$ is not a UID set");
  return { uidValidity, modseq, knownUids, sequenceMatch };
}

function parseSequenceMatch(cursor: Cursor): QresyncParameters["sequenceMatch"] {
  cursor.expectChar("(");
  const sequences = parseSequenceSet(cursor);
  cursor.sp();
  const uids = parseSequenceSet(cursor);
  cursor.expectChar(")");
  return { sequences, uids };
}
