// One POP3 session's protocol state, apart from its socket: what commands
// read and change. The connection (connection.ts) owns the bytes and hands
// lines to the dispatcher; commands talk to the client through `send`.
import { isIP } from "node:net";
import type { Log } from "../../server/cluster/error-log.ts";
import type { Maildrop, Pop3Backend, Pop3Principal } from "./backend.ts";
import type { InputLine } from "./line-reader.ts";
import { MaildropView } from "./maildrop-view.ts";
import type { SessionState } from "./session-state.ts";

/** What a session needs from its connection. */
export interface SessionIo {
  readonly remoteAddress: string;
  /** false: the socket's buffer is full; wait for `drained` before writing more. */
  write(data: string | Buffer): boolean;
  /** Several pieces in one system call where the socket allows (cork/uncork); false as for `write`. */
  writeAll(pieces: readonly (string | Buffer)[]): boolean;
  /** Resolves once the socket takes more; rejects with SessionClosed when the connection is gone. */
  drained(): Promise<void>;
  /**
   * RFC 2595 §4: sends STLS's "+OK" line, then runs the TLS handshake on the
   * same connection; rejects (and the connection closes) when it fails.
   */
  upgradeToTls(okLine: string): Promise<void>;
  /** Sends what was written, then closes. */
  end(): void;
}

export class SessionClosed extends Error {
  constructor() {
    super("POP3 connection closed");
  }
}

export interface SessionOptions {
  backend: Pop3Backend;
  hostname: string;
  io: SessionIo;
  /** TLS from the first byte (implicit TLS listener). */
  secure: boolean;
  /** A certificate is configured, so STLS can be offered. */
  tlsAvailable: boolean;
  log: Log;
}

/** Lines of a listing are sent in batches of about this many characters. */
const LISTING_BATCH = 16 * 1024;

export class Pop3Session {
  state: SessionState = "AUTHORIZATION";
  secure: boolean;
  /** RFC 1939 §7 USER: the name waiting for PASS. */
  pendingUser: string | null = null;
  principal: Pop3Principal | null = null;
  maildrop: MaildropView | null = null;
  /** RFC 5034 §4: set while an AUTH exchange waits for the client's response line. */
  continuation: ((input: InputLine) => Promise<void>) | null = null;
  failedLogins = 0;
  badCommands = 0;
  closed = false;
  readonly backend: Pop3Backend;
  readonly hostname: string;
  readonly log: Log;
  private readonly io: SessionIo;
  private readonly tlsAvailable: boolean;

  constructor(options: SessionOptions) {
    this.backend = options.backend;
    this.hostname = options.hostname;
    this.io = options.io;
    this.secure = options.secure;
    this.tlsAvailable = options.tlsAvailable;
    this.log = options.log;
  }

  get remoteAddress(): string {
    return this.io.remoteAddress;
  }

  /**
   * RFC 2595 §2.3: a server must be able to refuse clear-text logins without TLS; Yubin
   * always does, except from loopback, where nothing crosses a network.
   */
  get mayLogIn(): boolean {
    return this.secure || isLoopback(this.io.remoteAddress);
  }

  /** RFC 2595 §4: STLS only in AUTHORIZATION; once in TLS, never again. */
  get mayStartTls(): boolean {
    return this.tlsAvailable && !this.secure && this.state === "AUTHORIZATION";
  }

  async send(data: string | Buffer): Promise<void> {
    if (this.closed) throw new SessionClosed();
    if (!this.io.write(data)) await this.io.drained();
  }

  async sendAll(pieces: readonly (string | Buffer)[]): Promise<void> {
    if (this.closed) throw new SessionClosed();
    if (pieces.length > 0 && !this.io.writeAll(pieces)) await this.io.drained();
  }

  /** A multi-line listing (RFC 1939 §3) of any length, written with backpressure. */
  async sendListing(first: string, lines: Iterable<string>): Promise<void> {
    let batch = `+OK ${first}\r\n`;
    for (const line of lines) {
      batch += `${line}\r\n`;
      if (batch.length >= LISTING_BATCH) {
        await this.send(batch);
        batch = "";
      }
    }
    await this.send(`${batch}.\r\n`);
  }

  /** The maildrop of a TRANSACTION-state command; the dispatcher runs those only after login. */
  get openMaildrop(): MaildropView {
    if (!this.maildrop) throw new Error("POP3: no maildrop outside the TRANSACTION state");
    return this.maildrop;
  }

  enterTransaction(principal: Pop3Principal, maildrop: Maildrop): void {
    this.principal = principal;
    this.maildrop = new MaildropView(maildrop);
    this.pendingUser = null;
    this.state = "TRANSACTION";
  }

  async startTls(okLine: string): Promise<void> {
    await this.io.upgradeToTls(okLine);
    this.secure = true;
    // Nothing learnt in plaintext carries into TLS (what RFC 3207 §4.2 requires of SMTP): here, USER's name.
    this.pendingUser = null;
  }

  /** QUIT, too many errors, idle timeout: what was sent goes out, then the connection closes. */
  end(): void {
    this.io.end();
  }

  /** The connection is gone, however it ended: the lock goes, nothing is deleted. */
  async dispose(): Promise<void> {
    this.closed = true;
    this.continuation = null;
    // In UPDATE, QUIT is committing and releases the lock itself once the commit is done.
    if (this.state !== "UPDATE") await this.maildrop?.release();
  }
}

function isLoopback(address: string): boolean {
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1";
}
