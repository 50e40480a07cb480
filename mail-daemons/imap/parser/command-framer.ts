// Splits the client's byte stream into commands (RFC 9051 §2.2.1): a command
// is one line, or several when it carries literals, each announced as {n}
// (synchronising: the client waits for "+"), {n+} (non-synchronising, RFC
// 7888) or ~{n} (literal8, RFC 3516). Pure: bytes in, events out; the
// connection writes what the events ask for. It knows nothing of command
// grammar except the tag and name at the start, which the literal policy needs.
import {
  IMAP_MAX_COMMAND_LITERAL_BYTES,
  IMAP_MAX_COMMAND_TEXT_BYTES,
  IMAP_MAX_LINE_BYTES,
  IMAP_MAX_LITERAL_SIZE_DIGITS,
  IMAP_MAX_LITERALS_PER_COMMAND,
} from "../../../server/limits.ts";

export interface Literal {
  bytes: Buffer;
  /** literal8 (`~{n}`), which may carry NUL (RFC 3516 §4.1). */
  binary: boolean;
}

/** Text segments with the literal markers removed; texts.length === literals.length + 1. */
export interface FramedCommand {
  texts: Buffer[];
  literals: Literal[];
}

export interface LiteralRequest {
  /** The tag and upper-cased command name (with "UID " when prefixed), or null when unreadable. */
  tag: string | null;
  command: string | null;
  size: number;
  synchronizing: boolean;
  binary: boolean;
  /** How many literals this command has carried before this one. */
  index: number;
}

export type LiteralVerdict =
  | { accept: true }
  | { accept: false; status: "BAD" | "NO"; code: string | null; text: string };

export type LiteralPolicy = (request: LiteralRequest) => LiteralVerdict;

export type FramerEvent =
  | { kind: "command"; command: FramedCommand }
  /** A synchronising literal was accepted: send a continuation request ("+ "). */
  | { kind: "continue" }
  /** The command was refused before it was complete; answer with the tag (or "*"). */
  | { kind: "rejected"; tag: string | null; status: "BAD" | "NO"; code: string | null; text: string }
  /** The stream cannot be resynchronised (a line too long): answer BAD and close. */
  | { kind: "fatal"; tag: string | null; text: string };

type Mode =
  | { kind: "text" }
  | { kind: "literal"; target: Buffer; filled: number; binary: boolean }
  /** Discarding a refused non-synchronising literal, then the rest of its command. */
  | { kind: "discard"; remaining: number; verdict: Extract<FramerEvent, { kind: "rejected" }> }
  | { kind: "skip-command"; verdict: Extract<FramerEvent, { kind: "rejected" }> };

const LF = 0x0a;
const CR = 0x0d;

export class CommandFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private mode: Mode = { kind: "text" };
  private texts: Buffer[] = [];
  private literals: Literal[] = [];
  private commandTextBytes = 0;
  private commandLiteralBytes = 0;
  private head: { tag: string | null; command: string | null } | null = null;

  constructor(private readonly policy: LiteralPolicy) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  /** Bytes received but not yet consumed; the connection pauses the socket above a bound. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /** True between commands: nothing of a command has been read yet. */
  get idle(): boolean {
    return this.mode.kind === "text" && this.texts.length === 0;
  }

  /**
   * One raw line, for the exchanges that are not commands: the SASL
   * responses of AUTHENTICATE (RFC 9051 §6.2.2) and DONE after IDLE (RFC
   * 2177). null until a whole line has arrived; "too-long" past maxBytes.
   */
  nextLine(maxBytes: number): Buffer | "too-long" | null {
    const end = this.buffer.indexOf(LF);
    if (end < 0) return this.buffer.length > maxBytes ? "too-long" : null;
    if (end > maxBytes) return "too-long";
    const line = this.buffer.subarray(0, end > 0 && this.buffer[end - 1] === CR ? end - 1 : end);
    this.buffer = this.buffer.subarray(end + 1);
    return Buffer.from(line);
  }

  /** The next event, or null when more bytes are needed. */
  next(): FramerEvent | null {
    for (;;) {
      const mode = this.mode;
      if (mode.kind === "literal") {
        if (!this.fillLiteral(mode)) return null;
        continue;
      }
      if (mode.kind === "discard") {
        const taken = Math.min(mode.remaining, this.buffer.length);
        this.buffer = this.buffer.subarray(taken);
        mode.remaining -= taken;
        if (mode.remaining > 0) return null;
        this.mode = { kind: "skip-command", verdict: mode.verdict };
        continue;
      }
      const event = this.readLine();
      if (event !== "again") return event;
    }
  }

  private fillLiteral(mode: Extract<Mode, { kind: "literal" }>): boolean {
    const taken = Math.min(mode.target.length - mode.filled, this.buffer.length);
    this.buffer.copy(mode.target, mode.filled, 0, taken);
    this.buffer = this.buffer.subarray(taken);
    mode.filled += taken;
    if (mode.filled < mode.target.length) return false;
    this.literals.push({ bytes: mode.target, binary: mode.binary });
    this.mode = { kind: "text" };
    return true;
  }

  private readLine(): FramerEvent | null | "again" {
    const end = this.buffer.indexOf(LF);
    if (end < 0) {
      if (this.buffer.length > IMAP_MAX_LINE_BYTES) return this.fatal("Command line too long");
      return null;
    }
    if (end > IMAP_MAX_LINE_BYTES + 1) return this.fatal("Command line too long");
    // RFC 9051 §2.2: lines end in CRLF; a bare LF is accepted as Dovecot does.
    const line = this.buffer.subarray(0, end > 0 && this.buffer[end - 1] === CR ? end - 1 : end);
    this.buffer = this.buffer.subarray(end + 1);
    if (this.mode.kind === "skip-command") return this.skipLine(line, this.mode.verdict);
    // Blank lines between commands carry nothing; some clients send them.
    if (line.length === 0 && this.texts.length === 0) return "again";
    if (this.texts.length === 0) this.head = readHead(line);

    this.commandTextBytes += line.length;
    if (this.commandTextBytes > IMAP_MAX_COMMAND_TEXT_BYTES) return this.fatal("Command too long");
    const marker = literalMarker(line);
    if (marker === "malformed") return this.fatal("Literal size too large");
    const text = marker ? line.subarray(0, line.length - marker.length) : line;
    this.texts.push(Buffer.from(text));
    if (!marker) return this.complete();

    const head = this.head ?? { tag: null, command: null };
    const request: LiteralRequest = { ...head, ...marker, index: this.literals.length };
    const verdict = this.judge(request);
    if (!verdict.accept) {
      const rejected = { kind: "rejected" as const, tag: head.tag, ...withoutAccept(verdict) };
      if (marker.synchronizing) {
        // RFC 9051 §7.5: without "+", the client does not send the literal; the command is over.
        this.reset();
        return rejected;
      }
      // RFC 7888 §4: the client sends a non-synchronising literal regardless; skip it
      // byte by byte (never buffered) and the rest of its command, then answer.
      this.mode = { kind: "discard", remaining: marker.size, verdict: rejected };
      return "again";
    }
    this.commandLiteralBytes += marker.size;
    this.mode = { kind: "literal", target: Buffer.allocUnsafe(marker.size), filled: 0, binary: marker.binary };
    return marker.synchronizing ? { kind: "continue" } : "again";
  }

  private judge(request: LiteralRequest): LiteralVerdict {
    if (request.index >= IMAP_MAX_LITERALS_PER_COMMAND)
      return { accept: false, status: "BAD", code: "LIMIT", text: "Too many literals in one command" };
    if (this.commandLiteralBytes + request.size > IMAP_MAX_COMMAND_LITERAL_BYTES)
      return { accept: false, status: "NO", code: "TOOBIG", text: "Command literals too large" };
    return this.policy(request);
  }

  // The remainder of a refused command: its further non-synchronising
  // literals are skipped too; a synchronising one, or the final line, ends it.
  private skipLine(line: Buffer, verdict: Extract<FramerEvent, { kind: "rejected" }>): FramerEvent | "again" {
    const marker = literalMarker(line);
    if (marker && marker !== "malformed" && !marker.synchronizing) {
      this.mode = { kind: "discard", remaining: marker.size, verdict };
      return "again";
    }
    this.reset();
    return marker === "malformed" ? { kind: "fatal", tag: verdict.tag, text: "Literal size too large" } : verdict;
  }

  private complete(): FramerEvent {
    const command: FramedCommand = { texts: this.texts, literals: this.literals };
    this.reset();
    return { kind: "command", command };
  }

  private fatal(text: string): FramerEvent {
    const tag = this.head?.tag ?? (this.texts.length === 0 ? readHead(this.buffer).tag : null);
    this.reset();
    this.buffer = Buffer.alloc(0);
    return { kind: "fatal", tag, text };
  }

  private reset(): void {
    this.mode = { kind: "text" };
    this.texts = [];
    this.literals = [];
    this.commandTextBytes = 0;
    this.commandLiteralBytes = 0;
    this.head = null;
  }
}

function withoutAccept(verdict: Extract<LiteralVerdict, { accept: false }>) {
  return { status: verdict.status, code: verdict.code, text: verdict.text };
}

function literalMarker(
  line: Buffer,
): { length: number; size: number; synchronizing: boolean; binary: boolean } | "malformed" | null {
  let at = line.length - 1;
  if (at < 2 || line[at] !== 0x7d) return null;
  at -= 1;
  const synchronizing = line[at] !== 0x2b;
  if (!synchronizing) at -= 1;
  const digitsEnd = at + 1;
  while (at >= 0 && (line[at] as number) >= 0x30 && (line[at] as number) <= 0x39) at -= 1;
  const digits = digitsEnd - at - 1;
  if (digits === 0 || at < 0 || line[at] !== 0x7b) return null;
  // More digits than any size we accept: the stream cannot be followed past it.
  if (digits > IMAP_MAX_LITERAL_SIZE_DIGITS) return "malformed";
  const binary = at > 0 && line[at - 1] === 0x7e;
  const size = Number(line.subarray(at + 1, digitsEnd).toString("latin1"));
  return { length: line.length - at + (binary ? 1 : 0), size, synchronizing, binary };
}

/** The tag and command name at the start of a command (RFC 9051 §2.2.1), for the literal policy. */
export function readHead(text: Buffer): { tag: string | null; command: string | null } {
  const words = text.subarray(0, 200).toString("latin1").split(" ", 3);
  const [tag, first, second] = words;
  if (!tag) return { tag: null, command: null };
  const validTag = /^[\x21-\x7e]+$/.test(tag) && !/[(){%*"\\+]/.test(tag) ? tag : null;
  if (!first) return { tag: validTag, command: null };
  const name = first.toUpperCase();
  return { tag: validTag, command: name === "UID" && second ? `UID ${second.toUpperCase()}` : name };
}
