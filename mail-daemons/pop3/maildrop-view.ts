// The session's view of its maildrop (RFC 1939 §5): message numbers fixed at
// login, the deletion marks DELE sets and RSET clears, and the totals STAT,
// LIST and RSET report. Marks live only here until QUIT hands them to the
// backend in one call; a session that ends any other way deletes nothing.
import type { Maildrop, MaildropMessage } from "./backend.ts";

export class MaildropView {
  private readonly deleted = new Set<number>();
  private released = false;

  constructor(private readonly maildrop: Maildrop) {}

  get policy() {
    return this.maildrop.policy;
  }

  /** Messages at login, deleted ones included: message numbers run from 1 to this. */
  get size(): number {
    return this.maildrop.messages.length;
  }

  /** RFC 1939 §5: a message number that is out of range or marked deleted refers to no message. */
  lookup(number: number): MaildropMessage | null {
    if (!Number.isSafeInteger(number) || number < 1 || this.deleted.has(number)) return null;
    return this.maildrop.messages[number - 1] ?? null;
  }

  /** Message numbers and messages not marked deleted, in order. */
  *entries(): Generator<[number, MaildropMessage]> {
    const messages = this.maildrop.messages;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as MaildropMessage;
      if (!this.deleted.has(i + 1)) yield [i + 1, message];
    }
  }

  /** RFC 1939 §5 STAT: messages marked deleted are not counted. */
  totals(): { count: number; octets: number } {
    let count = 0;
    let octets = 0;
    for (const [, message] of this.entries()) {
      count++;
      octets += message.size;
    }
    return { count, octets };
  }

  markDeleted(number: number): void {
    this.deleted.add(number);
  }

  /** RFC 1939 §5 RSET. */
  unmarkAll(): void {
    this.deleted.clear();
  }

  retrieve(number: number): AsyncIterable<Uint8Array> {
    return this.maildrop.retrieve(number - 1);
  }

  /** RFC 1939 §6 UPDATE, in one backend call; nothing to do when nothing was marked. */
  async commit(): Promise<number> {
    const uidls = [...this.deleted]
      .sort((a, b) => a - b)
      .map((n) => (this.maildrop.messages[n - 1] as MaildropMessage).uidl);
    if (uidls.length > 0) await this.maildrop.commitDeletions(uidls);
    return uidls.length;
  }

  /** Once, whichever way the session ends. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.maildrop.release();
  }
}
