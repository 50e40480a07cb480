// POP3 clients download in order: RETR 1, RETR 2, … (poplib, fetchmail,
// getmail, Outlook), or TOP n 0 for every n. One database round trip per
// message made RETR wait on PostgreSQL for every message, so once a session
// reads message n and then n+1, the following messages come in batches, one
// query each: 2, then 4, … up to READ_AHEAD_MESSAGES or READ_AHEAD_OCTETS
// (like a kernel's read-ahead), and the next batch is asked for while the
// client is still reading the current one, so a client reading in order
// rarely waits for the database at all. A session that jumps around reads one
// message at a time. Batches are dropped when the session stops reading for
// READ_AHEAD_IDLE_MS, so an idle session holds none of them.
import { BLOB_SLICE_OCTETS, BlobMissing, readBlobChunks, readBlobs } from "../../server/mail-store/read-blob.ts";
import { READ_AHEAD_IDLE_MS, READ_AHEAD_MESSAGES, READ_AHEAD_OCTETS } from "./limits.ts";

export interface ReadAheadSource {
  count: number;
  size(index: number): number;
  /** The sha256 of message `index`'s blob. */
  key(index: number): string;
}

interface Batch {
  /** Messages from..to-1. */
  from: number;
  to: number;
  blobs: Promise<(Buffer | null)[]>;
}

export class ReadAhead {
  /** At most two: the one being read and the one being fetched. */
  private batches: Batch[] = [];
  private last = -2;
  private window = 1;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly source: ReadAheadSource) {}

  async *retrieve(index: number): AsyncGenerator<Buffer> {
    const sequential = index === this.last + 1;
    this.last = index;
    this.window = sequential ? Math.min(this.window * 2, READ_AHEAD_MESSAGES) : 1;
    this.batches = this.batches.filter((b) => b.to > index);
    let batch = this.batches.find((b) => b.from <= index && index < b.to);
    if (!batch) {
      this.batches = [];
      if (this.source.size(index) > BLOB_SLICE_OCTETS) {
        yield* readBlobChunks(this.source.key(index));
        return;
      }
      batch = this.fetch(index);
      this.batches.push(batch);
    }
    const ahead = this.batches[this.batches.length - 1] as Batch;
    // Half way through the last batch, ask for the next one.
    if (
      sequential &&
      this.batches.length < 2 &&
      ahead.to < this.source.count &&
      ahead.to - index <= (ahead.to - ahead.from) / 2 + 1
    ) {
      if (this.source.size(ahead.to) <= BLOB_SLICE_OCTETS) this.batches.push(this.fetch(ahead.to));
    }
    this.touch();
    const blobs = await batch.blobs;
    const own = blobs[index - batch.from];
    if (!own) throw new BlobMissing(this.source.key(index));
    yield own;
  }

  clear(): void {
    this.batches = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fetch(from: number): Batch {
    let to = from + 1;
    let octets = this.source.size(from);
    while (to < this.source.count && to - from < this.window) {
      const size = this.source.size(to);
      if (size > BLOB_SLICE_OCTETS || octets + size > READ_AHEAD_OCTETS) break;
      octets += size;
      to++;
    }
    const keys: string[] = [];
    for (let i = from; i < to; i++) keys.push(this.source.key(i));
    const blobs = readBlobs(keys, octets);
    // A batch read ahead may fail with nobody waiting for it yet; whoever reads it later gets the error.
    blobs.catch(() => {});
    return { from, to, blobs };
  }

  private touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.clear(), READ_AHEAD_IDLE_MS);
    this.timer.unref();
  }
}
