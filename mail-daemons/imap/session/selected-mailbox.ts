// The selected mailbox as one session sees it (RFC 9051 §2.3.1.2): the
// message sequence numbers it has been told about, each message's flags and
// modseq as last reported, and the changes from elsewhere that it has not
// been told yet. Sequence numbers change only when this session reports an
// EXPUNGE or EXISTS, so they stay consistent with what the client knows.
import type { FolderChanges, MessageState, SelectedFolder } from "../backend.ts";
import {
  formatSequenceSet,
  lowerBound,
  resolveRanges,
  type SequenceSet,
  selectFromSorted,
} from "../parser/sequence-set.ts";

export interface FlushOptions {
  /** RFC 9051 §7.5.1: false during FETCH, STORE and SEARCH (non-UID). */
  allowExpunge: boolean;
  /** QRESYNC enabled: VANISHED instead of EXPUNGE (RFC 7162 §3.2.10). */
  vanished: boolean;
  /** CONDSTORE in effect: unsolicited FETCH carries MODSEQ (RFC 7162 §3.1.4). */
  modseq: boolean;
}

export class SelectedMailbox {
  readonly folderId: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  name: string;
  uidNext: number;
  /** The highest modseq this session has caught up with (RFC 7162 HIGHESTMODSEQ). */
  highestModseq: number;
  /** Set by the backend's change notification; the next flush asks for the changes. */
  dirty = false;
  /** RFC 5182 SEARCHRES: the UIDs saved by SEARCH RETURN (SAVE). */
  savedSearch: number[] = [];

  /**
   * The messages by sequence number (index + 1) as parallel arrays: UIDs
   * ascending, and each one's flags and modseq as last reported at the same
   * index. A 10,000-message folder is three arrays, not 10,000 objects and a
   * map (SELECT's cost, bench:imap); a UID is found by binary search.
   */
  private uids: number[];
  private flagSets: (readonly string[])[];
  private modseqs: number[];
  private pendingExpunges = new Set<number>();
  private pendingFlags = new Set<number>();
  private announced: number;
  /**
   * RFC 3501 §2.3.2 \Recent, kept only for IMAP4rev1 sessions (RFC 9051
   * drops it): the UIDs this session was the first to be told of, and the
   * UIDNEXT up to which it has asked the backend (claimRecent).
   */
  reportRecent = false;
  recentAskedUpTo = 0;
  private recent = new Set<number>();

  constructor(folder: SelectedFolder) {
    this.folderId = folder.folderId;
    this.name = folder.name;
    this.readOnly = folder.readOnly;
    this.uidValidity = folder.uidValidity;
    this.uidNext = folder.uidNext;
    this.highestModseq = folder.highestModseq;
    // Copies: the session changes its arrays, the backend may keep its own.
    this.uids = folder.uids.slice();
    this.flagSets = folder.flags.slice();
    this.modseqs = folder.modseqs.slice();
    this.announced = this.uids.length;
  }

  /** Messages the client knows of, expunged-but-unreported ones included. */
  get count(): number {
    return this.uids.length;
  }

  get allUids(): readonly number[] {
    return this.uids;
  }

  uidAt(msn: number): number | undefined {
    return this.uids[msn - 1];
  }

  msnOf(uid: number): number | null {
    const index = lowerBound(this.uids, uid);
    return this.uids[index] === uid ? index + 1 : null;
  }

  /** The message's state as this session shows it: its flags with \Recent when it is recent here. */
  state(uid: number): MessageState | undefined {
    const index = this.indexOf(uid);
    return index === -1 ? undefined : this.stateAt(index);
  }

  /** The state of message number index + 1. */
  stateAt(index: number): MessageState {
    const uid = this.uids[index] as number;
    const flags = this.flagSets[index] as string[];
    return {
      uid,
      modseq: this.modseqs[index] as number,
      flags: this.recent.size > 0 && this.recent.has(uid) ? [...flags, "\\Recent"] : flags,
    };
  }

  /** The flags of message number index + 1 as stored, without \Recent (shared: never change them). */
  flagsAt(index: number): readonly string[] {
    return this.flagSets[index] as string[];
  }

  private indexOf(uid: number): number {
    const index = lowerBound(this.uids, uid);
    return this.uids[index] === uid ? index : -1;
  }

  private has(uid: number): boolean {
    return this.indexOf(uid) !== -1;
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid);
  }

  get recentCount(): number {
    return this.recent.size;
  }

  /** The messages with UIDs in [from, upTo) are recent in this session. */
  markRecent(from: number, upTo: number): void {
    this.recentAskedUpTo = Math.max(this.recentAskedUpTo, upTo);
    for (let index = lowerBound(this.uids, from); index < this.uids.length; index++) {
      const uid = this.uids[index] as number;
      if (uid >= upTo) break;
      this.recent.add(uid);
    }
  }

  isExpunged(uid: number): boolean {
    return this.pendingExpunges.has(uid);
  }

  /** UIDs of the messages a set names, ascending; sequence numbers beyond the mailbox are ignored by the caller's check. */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    if (set.kind === "saved") return this.savedSearch.filter((uid) => this.has(uid));
    if (byUid) {
      const largest = this.uids.at(-1) ?? 0;
      return selectFromSorted(this.uids, resolveRanges(set.ranges, largest));
    }
    const out: number[] = [];
    for (const [low, high] of resolveRanges(set.ranges, this.uids.length)) {
      for (let msn = low; msn <= Math.min(high, this.uids.length); msn++) out.push(this.uids[msn - 1] as number);
    }
    return out;
  }

  /** RFC 9051 §6.4.5 and §9: a sequence number past the last message is a client error (BAD). */
  sequenceInRange(set: SequenceSet): boolean {
    if (set.kind === "saved") return true;
    return set.ranges.every(
      (range) =>
        (range.from === null || range.from <= this.uids.length) && (range.to === null || range.to <= this.uids.length),
    );
  }

  /** Changes reported by the backend: held until a flush may announce them. */
  applyChanges(changes: FolderChanges): void {
    const expunged = new Set(changes.expunged);
    for (const uid of expunged) {
      if (!this.has(uid)) continue;
      this.pendingExpunges.add(uid);
      this.pendingFlags.delete(uid);
    }
    const arrivals: MessageState[] = [];
    for (const message of changes.messages) {
      if (expunged.has(message.uid)) continue;
      const index = this.indexOf(message.uid);
      if (index !== -1) {
        if (message.modseq > (this.modseqs[index] as number) && !this.pendingExpunges.has(message.uid)) {
          this.set(index, message);
          this.pendingFlags.add(message.uid);
        }
      } else if (message.uid > (this.uids.at(-1) ?? 0)) {
        arrivals.push(message);
      }
    }
    arrivals.sort((a, b) => a.uid - b.uid);
    for (const message of arrivals) {
      if (message.uid <= (this.uids.at(-1) ?? 0)) continue;
      this.uids.push(message.uid);
      this.flagSets.push(message.flags);
      this.modseqs.push(message.modseq);
    }
    this.uidNext = Math.max(this.uidNext, changes.uidNext);
    this.highestModseq = Math.max(this.highestModseq, changes.highestModseq);
  }

  /** Flags this session itself changed; reported by the command that changed them. */
  recordOwnChange(message: MessageState): void {
    const index = this.indexOf(message.uid);
    if (index !== -1 && message.modseq >= (this.modseqs[index] as number)) this.set(index, message);
    this.pendingFlags.delete(message.uid);
  }

  private set(index: number, message: MessageState): void {
    this.flagSets[index] = message.flags;
    this.modseqs[index] = message.modseq;
  }

  /** Expunges this session made (EXPUNGE, MOVE): reported at once, whatever else is pending too. */
  expungeNow(uids: readonly number[], options: FlushOptions): string[] {
    for (const uid of uids) if (this.has(uid)) this.pendingExpunges.add(uid);
    return this.reportExpunges(options);
  }

  /**
   * The untagged responses owed to the client (RFC 9051 §7.4.1 EXPUNGE,
   * §7.3.3 EXISTS, §7.5.2 FETCH; RFC 7162 §3.2.10 VANISHED), in an order
   * that keeps sequence numbers right: expunges first, then the new count,
   * then flag changes under the sequence numbers that result.
   */
  flush(options: FlushOptions): string[] {
    const lines = options.allowExpunge ? this.reportExpunges(options) : [];
    if (this.uids.length > this.announced) {
      lines.push(`${this.uids.length} EXISTS`);
      // RFC 3501 §7.3.2: RECENT comes with the new count (IMAP4rev1 only).
      if (this.reportRecent) lines.push(`${this.recent.size} RECENT`);
      this.announced = this.uids.length;
    }
    for (const uid of [...this.pendingFlags].sort((a, b) => a - b)) {
      const msn = this.msnOf(uid);
      const state = this.state(uid);
      if (msn === null || !state) continue;
      lines.push(`${msn} FETCH (${flagItems(state, options.modseq)})`);
    }
    this.pendingFlags.clear();
    return lines;
  }

  private reportExpunges(options: FlushOptions): string[] {
    if (this.pendingExpunges.size === 0) return [];
    const gone = [...this.pendingExpunges].sort((a, b) => a - b);
    this.pendingExpunges = new Set();
    // Found by binary search, not by walking every message: each expunge anywhere in a large
    // folder reaches every session that has it selected.
    const indexes: number[] = [];
    for (const uid of gone) {
      const index = this.indexOf(uid);
      if (index !== -1) indexes.push(index);
      this.recent.delete(uid);
      this.pendingFlags.delete(uid);
    }
    const lines: string[] = [];
    if (options.vanished) {
      lines.push(`VANISHED ${formatSequenceSet(gone)}`);
    } else {
      // Ascending, each number as it is after the previous EXPUNGE (RFC 9051 §7.4.1).
      indexes.forEach((index, removed) => {
        lines.push(`${index + 1 - removed} EXPUNGE`);
      });
    }
    // Close the gaps: the messages between two expunged ones move down together.
    let to = indexes[0] ?? this.uids.length;
    for (let k = 0; k < indexes.length; k++) {
      const from = (indexes[k] as number) + 1;
      const until = indexes[k + 1] ?? this.uids.length;
      for (const list of [this.uids, this.flagSets, this.modseqs] as unknown[][]) list.copyWithin(to, from, until);
      to += until - from;
    }
    this.uids.length = to;
    this.flagSets.length = to;
    this.modseqs.length = to;
    this.announced -= indexes.length;
    return lines;
  }
}

/** "UID 7 FLAGS (\Seen) MODSEQ (12)": RFC 7162 §3.2.4 wants UID in every unsolicited FETCH under QRESYNC. */
export function flagItems(state: MessageState, modseq: boolean): string {
  return `UID ${state.uid} FLAGS (${state.flags.join(" ")})${modseq ? ` MODSEQ (${state.modseq})` : ""}`;
}
