// Evaluating a SEARCH program (RFC 9051 §6.4.4) over the selected mailbox.
// Flags, sequence numbers, UIDs and modseqs come from the session's own
// view; dates and sizes from metadata; text keys are one backend call
// (matchText), which the adapter may answer from an index. Nothing is read
// unless a key needs it.
import type { MessageMetadata, TextCriterion } from "../backend.ts";
import type { SearchKey } from "../parser/search-keys.ts";
import type { SelectedMailbox } from "../session/selected-mailbox.ts";
import type { Session } from "../session/session.ts";
import { sentDay } from "./sent-date.ts";

interface Needs {
  metadata: boolean;
  sentDate: boolean;
  texts: Map<SearchKey, number>;
  criteria: TextCriterion[];
}

interface Facts {
  selected: SelectedMailbox;
  metadata: Map<number, MessageMetadata>;
  sentDays: Map<number, string | null>;
  textMatches: Set<number>[];
  needs: Needs;
  sets: Map<SearchKey, Set<number>>;
}

/** The UIDs that match, ascending. */
export async function evaluateSearch(session: Session, key: SearchKey): Promise<number[]> {
  const selected = session.requireSelected;
  const principal = session.requirePrincipal;
  const candidates = selected.allUids.filter((uid) => !selected.isExpunged(uid));
  const needs: Needs = { metadata: false, sentDate: false, texts: new Map(), criteria: [] };
  analyse(key, needs);
  const facts: Facts = { selected, metadata: new Map(), sentDays: new Map(), textMatches: [], needs, sets: new Map() };
  if (candidates.length === 0) return [];
  if (needs.metadata) {
    for (const entry of await session.backend.messageMetadata(principal, selected.folderId, candidates))
      facts.metadata.set(entry.uid, entry);
  }
  if (needs.sentDate) {
    const headers = await session.backend.readHeaders(principal, selected.folderId, candidates);
    for (const [uid, header] of headers) facts.sentDays.set(uid, sentDay(header));
  }
  if (needs.criteria.length > 0)
    facts.textMatches = await session.backend.matchText(principal, selected.folderId, candidates, needs.criteria);
  return candidates.filter((uid) => matches(key, uid, facts));
}

function analyse(key: SearchKey, needs: Needs): void {
  switch (key.type) {
    case "date":
      if (key.field === "internal") needs.metadata = true;
      else needs.sentDate = true;
      break;
    case "size":
      needs.metadata = true;
      break;
    case "text":
      needs.texts.set(key, needs.criteria.push({ kind: key.field, value: key.value }) - 1);
      break;
    case "header":
      needs.texts.set(key, needs.criteria.push({ kind: "header", field: key.field, value: key.value }) - 1);
      break;
    case "not":
      analyse(key.key, needs);
      break;
    case "or":
      analyse(key.left, needs);
      analyse(key.right, needs);
      break;
    case "and":
      for (const inner of key.keys) analyse(inner, needs);
      break;
    default:
      break;
  }
}

function matches(key: SearchKey, uid: number, facts: Facts): boolean {
  const state = facts.selected.state(uid);
  if (!state) return false;
  switch (key.type) {
    case "all":
      return true;
    case "flag": {
      const wanted = key.flag.toLowerCase();
      return state.flags.some((flag) => flag.toLowerCase() === wanted) === key.present;
    }
    // RFC 3501 §6.4.4: NEW is RECENT UNSEEN, OLD is NOT RECENT (never recent under IMAP4rev2).
    case "new":
      return facts.selected.isRecent(uid) && !state.flags.includes("\\Seen");
    case "recent":
      return facts.selected.isRecent(uid);
    case "old":
      return !facts.selected.isRecent(uid);
    case "date": {
      const day =
        key.field === "internal"
          ? (facts.metadata.get(uid)?.internalDate.toISOString().slice(0, 10) ?? null)
          : (facts.sentDays.get(uid) ?? null);
      if (day === null) return false;
      return key.relation === "before" ? day < key.date : key.relation === "on" ? day === key.date : day >= key.date;
    }
    case "size": {
      const size = facts.metadata.get(uid)?.size;
      if (size === undefined) return false;
      return key.relation === "larger" ? size > key.size : size < key.size;
    }
    case "text":
    case "header":
      return facts.textMatches[facts.needs.texts.get(key) ?? -1]?.has(uid) ?? false;
    case "uid":
    case "sequence":
      return memberSet(key, facts).has(uid);
    case "modseq":
      return state.modseq >= key.modseq;
    case "not":
      return !matches(key.key, uid, facts);
    case "or":
      return matches(key.left, uid, facts) || matches(key.right, uid, facts);
    case "and":
      return key.keys.every((inner) => matches(inner, uid, facts));
  }
}

/** A UID or sequence-set key as the set of UIDs it names, resolved once per search. */
function memberSet(key: Extract<SearchKey, { type: "uid" | "sequence" }>, facts: Facts): Set<number> {
  let set = facts.sets.get(key);
  if (!set) {
    set = new Set(facts.selected.resolve(key.set, key.type === "uid"));
    facts.sets.set(key, set);
  }
  return set;
}
