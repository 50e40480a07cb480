// What the remote server said, unasked, about the folder the connector idles
// on (RFC 9051 §7.5.1 EXISTS; §7.5.2 FETCH with FLAGS and §7.5.3 EXPUNGE,
// RFC 7162 §3.2.10 VANISHED). It listens for as long as the connection lasts,
// not only while IDLE runs: mail that arrives while the connector fetches or
// stores is announced then (servers send EXISTS after any command), and a
// listener attached only during IDLE would not hear of it until the next poll.
//
// New mail alone is taken the direct way (run-connector.ts: fetch the new
// UIDs, store, back to IDLE); a flag change or an expunge wakes a full pass,
// which follows it (follow-changes.ts).
import type { ImapFlow } from "imapflow";

export class RemoteNews {
  /** Messages announced by EXISTS since the last reset (what the count grew by). */
  newMail = 0;
  /** Flags changed or messages expunged remotely since the last reset. */
  changed = false;
  /** The path of the folder listened to, as the server named it when it was opened; null: none yet. */
  path: string | null = null;
  private wake: (() => void) | null = null;
  private readonly onExists = (e: { path: string; count: number; prevCount: number }) => {
    if (e.path !== this.path) return;
    // A count that shrank is an expunge, told apart by its own event.
    if (e.count > e.prevCount) this.newMail += e.count - e.prevCount;
    this.poke();
  };
  private readonly onChange = (e: { path: string; earlier?: boolean }) => {
    // VANISHED (EARLIER) answers the connector's own fetch (follow-changes.ts): not news.
    if (e.path !== this.path || e.earlier) return;
    this.changed = true;
    this.poke();
  };

  constructor(private readonly client: ImapFlow) {
    client.on("exists", this.onExists);
    client.on("flags", this.onChange);
    client.on("expunge", this.onChange);
  }

  get pending(): boolean {
    return this.newMail > 0 || this.changed;
  }

  /** Everything told so far is about to be looked at. */
  reset(): void {
    this.newMail = 0;
    this.changed = false;
  }

  /** Resolves at the next news, at once when some is pending. */
  next(): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Resolves a waiting next() without news (a timer, a stop). */
  poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  detach(): void {
    this.client.off("exists", this.onExists);
    this.client.off("flags", this.onChange);
    this.client.off("expunge", this.onChange);
    this.poke();
  }
}
