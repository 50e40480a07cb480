// One client connection: bytes from the socket into the framer, one command
// at a time through the dispatcher, back-pressure both ways, the autologout
// timer (RFC 9051 §5.4) and the STARTTLS upgrade (§6.2.1). Protocol rules
// live in the commands; this file only moves bytes and keeps time.
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";
import { IMAP_MAX_PENDING_INPUT_BYTES } from "../../server/limits.ts";
import type { Principal } from "./backend.ts";
import { capabilities } from "./capabilities.ts";
import type { ConnectionControl } from "./commands/command.ts";
import { dispatch } from "./dispatcher.ts";
import { literalPolicy } from "./literal-policy.ts";
import { CommandFramer } from "./parser/command-framer.ts";
import { ResponseWriter } from "./response/response-writer.ts";
import type { ServerContext } from "./server-context.ts";
import { Session } from "./session/session.ts";

export interface ConnectionOptions {
  socket: Socket | TLSSocket;
  secure: boolean;
  loopback: boolean;
  server: ServerContext;
  secureContext: SecureContext;
  onClose: () => void;
}

export class ImapConnection implements ConnectionControl {
  private socket: Socket | TLSSocket;
  private framer: CommandFramer;
  private readonly session: Session<Principal>;
  private readonly writer: ResponseWriter;
  private wake: (() => void) | null = null;
  private ended = false;
  private destroyed = false;

  constructor(private readonly options: ConnectionOptions) {
    this.socket = options.socket;
    this.writer = new ResponseWriter(this.socket, options.server.log);
    this.session = new Session(
      options.server.backend,
      this.writer,
      { remoteAddress: options.socket.remoteAddress ?? "", secure: options.secure, loopback: options.loopback },
      options.server.log,
    );
    this.framer = new CommandFramer(literalPolicy(this.session));
  }

  start(): void {
    this.attach(this.socket);
    this.socket.setTimeout(this.options.server.preauthIdleTimeoutMs);
    const greeting = `OK [CAPABILITY ${capabilities(this.session, this.options.server).join(" ")}] ${this.options.server.hostname} Yubin IMAP ready`;
    this.writer
      .untagged(greeting)
      .then(() => this.run())
      .catch((error: unknown) => {
        this.options.server.log(
          `imap: connection failed: ${error instanceof Error ? error.message : String(error)}`,
          "error",
        );
      })
      .finally(() => this.destroy());
  }

  /** Ends the session from outside (server shutdown): RFC 9051 §7.1.5 BYE first. */
  async shutdown(): Promise<void> {
    if (this.ended) return;
    await Promise.race([
      this.writer.untagged("BYE Server shutting down"),
      new Promise((resolve) => setTimeout(resolve, 500)),
    ]);
    this.destroy();
  }

  async readLine(maxBytes: number): Promise<Buffer | "too-long" | null> {
    for (;;) {
      const line = this.framer.nextLine(maxBytes);
      if (line !== null) return line;
      if (this.ended) return null;
      await this.waitForInput();
    }
  }

  async startTls(): Promise<void> {
    // RFC 9051 §11.1: nothing the client sent before the handshake may be acted on after it.
    this.framer = new CommandFramer(literalPolicy(this.session));
    this.detach(this.socket);
    const secure = new TLSSocket(this.socket, { isServer: true, secureContext: this.options.secureContext });
    this.socket = secure;
    this.writer.replaceSocket(secure);
    this.attach(secure);
    this.session.info.secure = true;
  }

  authenticated(): void {
    this.socket.setTimeout(this.options.server.authenticatedIdleTimeoutMs);
  }

  private async run(): Promise<void> {
    while (!this.ended) {
      const event = this.framer.next();
      if (!event) {
        await this.waitForInput();
        continue;
      }
      switch (event.kind) {
        case "continue":
          await this.writer.continuation("Ready for literal data");
          break;
        case "rejected":
          if (event.tag) await this.writer.tagged(event.tag, event.status, event.code, event.text);
          else await this.writer.untagged(`${event.status} ${event.text}`);
          break;
        case "fatal":
          if (event.tag) await this.writer.tagged(event.tag, "BAD", null, event.text);
          await this.writer.untagged(`BYE ${event.text}`);
          return;
        case "command": {
          const outcome = await dispatch(event.command, this.session, this.options.server, this);
          if (outcome === "close") return;
          if (outcome === "starttls") await this.startTls();
          break;
        }
      }
    }
  }

  private waitForInput(): Promise<void> {
    if (this.socket.isPaused() && this.framer.pendingBytes <= IMAP_MAX_PENDING_INPUT_BYTES) this.socket.resume();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private readonly onData = (chunk: Buffer) => {
    this.framer.push(chunk);
    // TCP back-pressure: a client that pipelines faster than we answer waits.
    if (this.framer.pendingBytes > IMAP_MAX_PENDING_INPUT_BYTES) this.socket.pause();
    this.notify();
  };

  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };

  private readonly onTimeout = () => {
    // RFC 9051 §5.4: autologout, announced with BYE.
    this.writer.untagged("BYE Autologout; idle for too long").finally(() => this.destroy());
  };

  private readonly onError = (error: Error) => {
    this.options.server.log(`imap: socket error from ${this.session.info.remoteAddress}: ${error.message}`);
    this.onEnd();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onEnd);
    socket.on("error", this.onError);
    socket.on("timeout", this.onTimeout);
  }

  private detach(socket: Socket | TLSSocket): void {
    socket.off("data", this.onData);
    socket.off("end", this.onEnd);
    socket.off("close", this.onEnd);
    socket.off("error", this.onError);
    socket.off("timeout", this.onTimeout);
  }

  private destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ended = true;
    this.session.dispose();
    this.notify();
    this.writer.flushNow();
    if (!this.socket.destroyed) this.socket.end();
    // A peer that never reads would keep a half-closed socket; give it a moment, then drop it.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.options.onClose();
  }
}
