// One folder of the in-memory backend: messages in UID order, a modseq
// counter, the record of expunged UIDs that QRESYNC needs (RFC 7162 §3.2.5),
// and the watchers told of every change. UIDs are never reused (RFC 9051
// §2.3.1.1): uidNext only grows.
import type { MessageState, SpecialUse } from "../backend.ts";

export interface MemoryMessage {
  uid: number;
  flags: string[];
  modseq: number;
  internalDate: Date;
  raw: Buffer;
}

let folderIds = 0;
let uidValidities = Math.floor(Date.now() / 1000);

export class MemoryFolder {
  readonly id = `folder-${++folderIds}`;
  readonly uidValidity = ++uidValidities;
  uidNext = 1;
  highestModseq = 1;
  /** RFC 3501 \Recent: the lowest UID no read-write session has claimed. */
  recentUid = 1;
  messages: MemoryMessage[] = [];
  expunged: Array<{ uid: number; modseq: number }> = [];
  readonly watchers = new Set<() => void>();

  constructor(
    public path: string,
    public specialUse: SpecialUse | null,
  ) {}

  get size(): number {
    return this.messages.reduce((sum, message) => sum + message.raw.length, 0);
  }

  find(uid: number): MemoryMessage | undefined {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const candidate = this.messages[mid] as MemoryMessage;
      if (candidate.uid === uid) return candidate;
      if (candidate.uid < uid) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  add(raw: Buffer, flags: string[], internalDate: Date): MemoryMessage {
    const message: MemoryMessage = {
      uid: this.uidNext++,
      flags: [...flags],
      modseq: ++this.highestModseq,
      internalDate,
      raw,
    };
    this.messages.push(message);
    return message;
  }

  setFlags(message: MemoryMessage, flags: string[]): void {
    message.flags = flags;
    message.modseq = ++this.highestModseq;
  }

  expunge(uids: readonly number[]): number[] {
    const wanted = new Set(uids);
    const removed = this.messages.filter((message) => wanted.has(message.uid)).map((message) => message.uid);
    if (removed.length === 0) return [];
    const modseq = ++this.highestModseq;
    this.messages = this.messages.filter((message) => !wanted.has(message.uid));
    for (const uid of removed) this.expunged.push({ uid, modseq });
    return removed;
  }

  /** Told after the change is complete, never in the middle of it. */
  notify(): void {
    for (const watcher of this.watchers) queueMicrotask(watcher);
  }
}

export function stateOf(message: MemoryMessage): MessageState {
  return { uid: message.uid, flags: [...message.flags], modseq: message.modseq };
}
