// One client's session (RFC 9051 §3): its state, who logged in, what it
// enabled, and the selected mailbox. Commands change it only through these
// methods, so that watching for changes and reporting them stays in one place.

import type { Log } from "../../../server/cluster/error-log.ts";
import type { ImapBackend, Principal, SelectedFolder } from "../backend.ts";
import type { ResponseWriter } from "../response/response-writer.ts";
import { type FlushOptions, SelectedMailbox } from "./selected-mailbox.ts";

export type SessionState = "not-authenticated" | "authenticated" | "selected" | "logout";

/** Extensions a client turns on with ENABLE (RFC 5161) or implicitly. */
export type Enabled = "CONDSTORE" | "QRESYNC" | "IMAP4REV2" | "UTF8=ACCEPT";

export interface SessionInfo {
  remoteAddress: string;
  secure: boolean;
  loopback: boolean;
}

export class Session<P extends Principal = Principal> {
  state: SessionState = "not-authenticated";
  principal: P | null = null;
  selected: SelectedMailbox | null = null;
  readonly enabled = new Set<Enabled>();
  /**
   * RFC 7162 §3.1: CONDSTORE is in effect once the client used any
   * CONDSTORE-enabling command, not only after ENABLE.
   */
  condstore = false;
  authFailures = 0;
  badCommands = 0;
  /** Set when the session must end after the current reply (e.g. too many failed logins). */
  closeAfterReply: string | null = null;
  /** Gives back this user's slot under the per-user connection cap. */
  releaseUser: (() => void) | null = null;
  private unwatch: (() => void) | null = null;
  /** Called when the selected mailbox changed elsewhere (IDLE reports at once). */
  onMailboxChange: (() => void) | null = null;

  constructor(
    readonly backend: ImapBackend<P>,
    readonly writer: ResponseWriter,
    readonly info: SessionInfo,
    readonly log: Log,
  ) {}

  /** Names in UTF-8 rather than modified UTF-7 (RFC 6855 §3, RFC 9051 §5.1). */
  get utf8(): boolean {
    return this.enabled.has("UTF8=ACCEPT") || this.enabled.has("IMAP4REV2");
  }

  get rev2(): boolean {
    return this.enabled.has("IMAP4REV2");
  }

  get qresync(): boolean {
    return this.enabled.has("QRESYNC");
  }

  get requirePrincipal(): P {
    if (!this.principal) throw new Error("no principal in an authenticated state");
    return this.principal;
  }

  get requireSelected(): SelectedMailbox {
    if (!this.selected) throw new Error("no mailbox in the selected state");
    return this.selected;
  }

  authenticate(principal: P): void {
    this.principal = principal;
    this.state = "authenticated";
  }

  select(folder: SelectedFolder): SelectedMailbox {
    this.close();
    const mailbox = new SelectedMailbox(folder);
    this.selected = mailbox;
    this.state = "selected";
    this.unwatch = this.backend.watch(this.requirePrincipal, folder.folderId, () => {
      mailbox.dirty = true;
      this.onMailboxChange?.();
    });
    return mailbox;
  }

  /** Leaves the selected state (CLOSE, UNSELECT, a failed SELECT: RFC 9051 §6.3.1). */
  close(): void {
    this.unwatch?.();
    this.unwatch = null;
    this.selected = null;
    if (this.state === "selected") this.state = "authenticated";
  }

  logout(): void {
    this.close();
    this.state = "logout";
  }

  /** The connection ended, however it ended. */
  dispose(): void {
    this.close();
    this.releaseUser?.();
    this.releaseUser = null;
  }

  flushOptions(allowExpunge: boolean): FlushOptions {
    return { allowExpunge, vanished: this.qresync, modseq: this.condstore };
  }

  /**
   * Catches up with changes made elsewhere (if any were signalled) and
   * writes the untagged responses allowed now. Returns false when the
   * mailbox has gone (deleted elsewhere): the caller ends the session.
   */
  async reportChanges(allowExpunge: boolean): Promise<boolean> {
    const mailbox = this.selected;
    if (!mailbox) return true;
    if (mailbox.dirty) {
      mailbox.dirty = false;
      const changes = await this.backend.changesSince(this.requirePrincipal, mailbox.folderId, mailbox.highestModseq);
      if (!changes) return false;
      mailbox.applyChanges(changes);
      if (mailbox.reportRecent && mailbox.uidNext > mailbox.recentAskedUpTo) {
        // New mail: this session is the first to be told of whatever no one else claimed (RFC 3501 §2.3.2).
        const from = await this.backend.claimRecent(
          this.requirePrincipal,
          mailbox.folderId,
          mailbox.uidNext,
          !mailbox.readOnly,
        );
        if (from === null) return false;
        mailbox.markRecent(from, mailbox.uidNext);
      }
    }
    for (const line of mailbox.flush(this.flushOptions(allowExpunge))) await this.writer.untagged(line);
    return true;
  }
}
