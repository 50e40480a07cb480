// One client connection: bytes in, lines to the dispatcher one at a time
// (RFC 2449 §6.6: pipelined commands are answered in order), responses out
// with backpressure, the idle timer (RFC 1939 §3), and the STLS upgrade
// (RFC 2595 §4). However the connection ends, the session is disposed: the
// maildrop's lock is released and, unless QUIT reached UPDATE, nothing is
// deleted.
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";
import type { Log } from "../../server/cluster/error-log.ts";
import type { Pop3Backend } from "./backend.ts";
import { dispatch } from "./dispatcher.ts";
import { CLOSE_GRACE_MS, MAX_QUEUED_COMMANDS, MAX_SASL_RESPONSE_OCTETS, TLS_HANDSHAKE_TIMEOUT_MS } from "./limits.ts";
import { type InputLine, LineReader } from "./line-reader.ts";
import { err, ok } from "./responses.ts";
import { Pop3Session, SessionClosed, type SessionIo } from "./session.ts";

export interface ConnectionOptions {
  backend: Pop3Backend;
  hostname: string;
  log: Log;
  idleTimeoutMs: number;
  /** For STLS; null when no certificate is configured. */
  secureContext: SecureContext | null;
  /** The socket is TLS from the first byte (implicit TLS). */
  secure: boolean;
}

export class Pop3Connection implements SessionIo {
  private readonly session: Pop3Session;
  readonly remoteAddress: string;
  /** Resolves when the socket is closed and nothing of the session is still running. */
  readonly done: Promise<void>;
  private socket: Socket;
  private readonly reader = new LineReader(MAX_SASL_RESPONSE_OCTETS);
  private readonly queue: InputLine[] = [];
  private running = false;
  private paused = false;
  private ending = false;
  /** The client sent FIN (the socket is half-open): answer what was queued, then close. */
  private inputEnded = false;
  private socketClosed = false;
  private disposed: Promise<void> | null = null;
  private resolveDone: () => void = () => {};

  constructor(
    socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? "unknown";
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.session = new Pop3Session({
      backend: options.backend,
      hostname: options.hostname,
      io: this,
      secure: options.secure,
      tlsAvailable: options.secureContext !== null,
      log: options.log,
    });
    this.listen(socket);
    // RFC 1939 §4: the greeting. No APOP timestamp: APOP is not offered (command-table.ts).
    this.write(ok(`${options.hostname} Yubin POP3 server ready`));
  }

  write(data: string | Buffer): boolean {
    if (this.socketClosed || this.socket.destroyed) return true;
    return this.socket.write(data);
  }

  writeAll(pieces: readonly (string | Buffer)[]): boolean {
    if (this.socketClosed || this.socket.destroyed) return true;
    const socket = this.socket;
    socket.cork();
    let room = true;
    for (const piece of pieces) room = socket.write(piece) && room;
    socket.uncork();
    return room;
  }

  drained(): Promise<void> {
    const socket = this.socket;
    if (this.socketClosed || socket.destroyed) return Promise.reject(new SessionClosed());
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onClose = () => {
        cleanup();
        reject(new SessionClosed());
      };
      const cleanup = () => {
        socket.off("drain", onDrain);
        socket.off("close", onClose);
      };
      socket.on("drain", onDrain);
      socket.on("close", onClose);
    });
  }

  end(): void {
    if (this.ending) return;
    this.ending = true;
    this.queue.length = 0;
    const socket = this.socket;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Server shutdown: the connection goes now; a session that has not reached UPDATE deletes nothing. */
  destroy(): void {
    this.socket.destroy();
  }

  async upgradeToTls(okLine: string): Promise<void> {
    const context = this.options.secureContext;
    if (!context) throw new Error("POP3: STLS without a certificate");
    const raw = this.socket;
    // STARTTLS command injection (CVE-2011-0411, Postfix; the same holds for STLS): lines that came in plaintext
    // after STLS, queued or half-read, are dropped; from now on only TLS bytes are read.
    this.queue.length = 0;
    this.reader.reset();
    raw.off("data", this.onData);
    raw.off("end", this.onEnd);
    raw.off("timeout", this.onTimeout);
    raw.setTimeout(0);
    if (this.paused) {
      // Held back by a full queue: what is still unread was sent in plaintext too, and flows away unread.
      this.paused = false;
      raw.resume();
    }
    // "+OK" must be on the wire before TLS takes the socket over.
    await new Promise<void>((resolve) => raw.write(okLine, () => resolve()));
    if (this.socketClosed) throw new SessionClosed();
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    secure.on("error", this.onError);
    secure.once("close", this.onClose);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error("TLS handshake timed out")), TLS_HANDSHAKE_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        secure.destroy();
        raw.destroy();
        reject(error);
      };
      // once: a renegotiation must not run this again in the middle of the session.
      secure.once("secure", () => {
        clearTimeout(timer);
        resolve();
      });
      secure.once("error", fail);
      secure.once("close", () => fail(new SessionClosed()));
    });
    this.socket = secure;
    secure.on("data", this.onData);
    secure.on("end", this.onEnd);
    secure.setTimeout(this.options.idleTimeoutMs, this.onTimeout);
  }

  private listen(socket: Socket): void {
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
    socket.once("close", this.onClose);
    socket.setTimeout(this.options.idleTimeoutMs, this.onTimeout);
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.ending) return;
    for (const line of this.reader.push(chunk)) this.queue.push(line);
    if (this.queue.length >= MAX_QUEUED_COMMANDS && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    void this.run();
  };

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      let line = this.queue.shift();
      while (line && !this.ending && !this.socketClosed) {
        await dispatch(this.session, line);
        if (this.paused && this.queue.length <= MAX_QUEUED_COMMANDS / 2) {
          this.paused = false;
          this.socket.resume();
        }
        line = this.queue.shift();
      }
    } catch (error) {
      if (!(error instanceof SessionClosed)) {
        // A response may have broken off halfway: the client cannot be told, only disconnected.
        this.options.log(
          `pop3: ${this.remoteAddress}: ${error instanceof Error ? error.message : String(error)}`,
          "error",
        );
      }
      this.socket.destroy();
    } finally {
      this.running = false;
      this.endIfAnswered();
      this.settle();
    }
  }

  // A script that pipes its commands and closes its side (printf … | nc) still gets every answer:
  // the listeners allow half-open sockets, and the connection ends once the queue is answered.
  private readonly onEnd = () => {
    this.inputEnded = true;
    this.endIfAnswered();
  };

  private endIfAnswered(): void {
    if (this.inputEnded && !this.running && this.queue.length === 0) this.end();
  }

  // RFC 1939 §3: the autologout timer. An idle session is closed without UPDATE.
  private readonly onTimeout = () => {
    if (this.running) {
      // Blocked writing to a client that stopped reading: there is no one to tell.
      this.socket.destroy();
      return;
    }
    this.write(err("Idle for too long, closing connection"));
    this.end();
  };

  private readonly onError = (error: Error) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ECONNRESET" && code !== "EPIPE") this.options.log(`pop3: ${this.remoteAddress}: ${error.message}`);
  };

  private readonly onClose = () => {
    if (this.socketClosed) return;
    this.socketClosed = true;
    this.queue.length = 0;
    this.disposed = this.session.dispose().catch((error: unknown) => {
      this.options.log(`pop3: releasing the maildrop failed: ${String(error)}`, "error");
    });
    this.settle();
  };

  private settle(): void {
    if (!this.socketClosed || this.running || !this.disposed) return;
    this.disposed.then(this.resolveDone);
  }
}
