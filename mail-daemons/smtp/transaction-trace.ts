// The message trace of an SMTP listener (MX or submission): one record per
// transaction (RFC 5321 §3.3: MAIL FROM to the end of DATA, or to RSET, a new
// EHLO, QUIT or the end of the connection), refused or not, and one for a
// connection that never got as far as MAIL FROM but was refused something
// (a failed AUTH, a 421 at the greeting).
//
// It watches each connection from the side: every command smtp-server reads
// (SMTPConnection#_onCommand) and every reply it writes (#send), so a refusal
// that smtp-server makes on its own (a SIZE over the limit, a bad sequence)
// is traced like one of ours. Nothing here is awaited by the protocol: a
// reply is written first and noted after, and a finished record goes to the
// sink (server/trace/trace-writer.ts) after the reply, with its Message-ID,
// Subject and the client's reverse name filled in then.
//
// Reaches into smtp-server internals (3.21.6): _onCommand, send, _onClose,
// _nextHandler, tlsOptions, _getEnhancedStatusCode, session.error; the
// tests in tests/protocol/message-trace.test.ts pin what it records.
import type { SMTPServer, SMTPServerSession } from "smtp-server";
import { MAX_RECIPIENTS, TRACE_MAX_STEPS, TRACE_MAX_TEXT } from "../../server/limits.ts";
import { messageHeadline } from "../../server/trace/message-headline.ts";
import type {
  TraceAuthVerdicts,
  TraceKind,
  TraceNote,
  TraceRecipient,
  TraceRecord,
  TraceResult,
  TraceSink,
  TraceStep,
} from "../../server/trace/trace-record.ts";
import type { AuthVerdicts } from "./mx-backend.ts";

/** What the DATA handler learned; it goes into the transaction its reply ends. */
export interface DataFacts {
  /** The message as received, for its Message-ID and Subject (read after the reply). */
  raw?: Buffer;
  size?: number;
  messageIdHeader?: string | null;
  auth?: TraceAuthVerdicts;
  messageIds?: number[];
  conversationIds?: number[];
  outboundMessageId?: number | null;
  notes?: TraceNote[];
}

export interface TransactionTraces {
  data(session: SMTPServerSession, facts: DataFacts): void;
  /** The login an AUTH exchange named, before its verdict (a failed one is traced with it). */
  authAttempt(session: SMTPServerSession, username: string): void;
}

export interface TraceOptions {
  kind: Exclude<TraceKind, "delivery">;
  sink: TraceSink;
  /** The client's forward-confirmed reverse name, or null; looked up while the session goes on. */
  reverseName?: (address: string) => Promise<string | null>;
  now?: () => number;
}

/** The parts of SMTPConnection this module touches. */
interface Connection {
  id: string;
  remoteAddress: string;
  session: SMTPServerSession & { error?: string; transaction?: number };
  tlsOptions: false | { name?: string; version?: string };
  hostNameAppearsAs: string | false;
  _nextHandler: unknown;
  send(code: number, data?: string | string[], context?: string | false): void;
  _onCommand(command: Buffer, callback?: () => void): void;
  _onClose(): void;
  _getEnhancedStatusCode(code: number, context?: string | false): string;
}

const NO_TRACES: TransactionTraces = { data: () => {}, authAttempt: () => {} };
const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;
/** Commands that end a transaction (RFC 5321 §4.1.1.5, §4.1.4; RFC 3207 §4.2 for STARTTLS). */
const ENDS_TRANSACTION = new Set(["RSET", "HELO", "EHLO", "LHLO", "QUIT", "STARTTLS"]);
/** RCPT replies kept per transaction: the limit and as many refusals again. */
const MAX_TRACED_RCPTS = MAX_RECIPIENTS * 2;

const clip = (text: string) => (text.length > TRACE_MAX_TEXT ? `${text.slice(0, TRACE_MAX_TEXT - 1)}…` : text);

interface Transaction {
  startedAt: number;
  sessionId: string;
  mailFrom: string | null;
  declaredSize: number | null;
  mailRefused: boolean;
  rcpts: TraceRecipient[];
  droppedRcpts: number;
  dataStarted: boolean;
  final: { code: number; text: string } | null;
  refusals: { code: number; text: string }[];
  facts: DataFacts;
  endOnReply: boolean;
}

export function traceTransactions(server: SMTPServer, options: TraceOptions | undefined): TransactionTraces {
  if (!options) return NO_TRACES;
  const now = options.now ?? Date.now;
  const bySession = new WeakMap<SMTPServerSession, ConnectionTrace>();

  const connections = server.connections as unknown as Set<Connection>;
  const add = connections.add.bind(connections);
  connections.add = (connection) => {
    const result = add(connection);
    // Installed after the other wrappers, so this one sees each reply as it is asked for.
    const trace = new ConnectionTrace(connection, options, now);
    bySession.set(connection.session, trace);
    return result;
  };

  return {
    data: (session, facts) => bySession.get(session)?.data(facts),
    authAttempt: (session, username) => bySession.get(session)?.authAttempt(username),
  };
}

class ConnectionTrace {
  private readonly startedAt: number;
  private readonly reverse: Promise<string | null> | null;
  /** Steps since the connection started or the last record ended (`at` in epoch ms until the record takes them). */
  private steps: TraceStep[] = [];
  private droppedSteps = 0;
  private txn: Transaction | null = null;
  private command: { name: string; argument: string } | null = null;
  private authTried: string | null = null;
  private authUser: string | null = null;
  /** Refusals outside any transaction since the last record (AUTH failures, 421, 530 …). */
  private refusals: { code: number; text: string }[] = [];
  private closed = false;

  constructor(
    private readonly connection: Connection,
    private readonly options: TraceOptions,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    this.reverse = options.reverseName
      ? options.reverseName(connection.remoteAddress).catch(() => null)
      : Promise.resolve(null);

    const send = connection.send.bind(connection);
    connection.send = (code, data, context) => {
      send(code, data, context);
      this.reply(code, this.replyLine(code, data, context));
    };
    const onCommand = connection._onCommand.bind(connection);
    connection._onCommand = (command, callback) => {
      this.onCommand(command);
      onCommand(command, callback);
    };
    const onClose = connection._onClose.bind(connection);
    connection._onClose = () => {
      onClose();
      this.close();
    };
  }

  data(facts: DataFacts): void {
    if (this.txn) Object.assign(this.txn.facts, facts);
  }

  authAttempt(username: string): void {
    this.authTried = clip(username);
  }

  /** The reply line as sent: the payload smtp-server wrote (session.error has it exactly for 4xx/5xx). */
  private replyLine(code: number, data: string | string[] | undefined, context: string | false | undefined): string {
    if (code >= 400 && this.connection.session.error) return clip(this.connection.session.error);
    const text = Array.isArray(data) ? (data[0] ?? "") : (data ?? "");
    if (ENHANCED_PREFIX.test(text) || context === false) return clip(`${code} ${text}`.trim());
    const enhanced = this.connection._getEnhancedStatusCode(code, context);
    return clip([code, enhanced, text].filter(Boolean).join(" "));
  }

  private step(command: string | undefined, reply: string | undefined): void {
    if (this.steps.length >= TRACE_MAX_STEPS) {
      this.droppedSteps++;
      return;
    }
    // One shape for every step (an absent part is undefined, which the record's JSON leaves out).
    this.steps.push({ at: this.now(), command, reply });
  }

  private onCommand(buffer: Buffer): void {
    // A continuation line of an AUTH exchange carries credentials: never kept.
    if (this.connection._nextHandler) {
      this.command = { name: "AUTH-DATA", argument: "" };
      this.step("(AUTH response, not shown)", undefined);
      return;
    }
    const line = buffer.toString("utf8").replace(/[\r\n]+$/, "");
    const name = (/^\S*/.exec(line)?.[0] ?? "").toUpperCase();
    const argument = line.slice(name.length).trim();
    this.command = { name, argument };
    // RFC 4954 §4: the initial response of AUTH is a credential too.
    const shown = name === "AUTH" ? `AUTH ${argument.split(/\s+/)[0] ?? ""}${/\s/.test(argument) ? " …" : ""}` : line;

    if (name === "MAIL" && (!this.txn || this.txn.mailRefused)) {
      if (this.txn) this.finish();
      this.txn = this.startTransaction(argument);
    } else if (this.txn && ENDS_TRANSACTION.has(name)) {
      this.txn.endOnReply = true;
    }
    this.step(clip(shown), undefined);
  }

  private startTransaction(argument: string): Transaction {
    const path = /^FROM:\s*<([^>]*)>/i.exec(argument);
    const size = /\bSIZE=(\d{1,15})\b/i.exec(argument);
    const session = this.connection.session;
    return {
      startedAt: this.now(),
      sessionId: `${this.connection.id}.${session.transaction ?? 1}`,
      mailFrom: path ? clip(path[1] ?? "") : clip(argument.replace(/^FROM:\s*/i, "")),
      declaredSize: size ? Number(size[1]) : null,
      mailRefused: false,
      rcpts: [],
      droppedRcpts: 0,
      dataStarted: false,
      final: null,
      refusals: [],
      facts: {},
      endOnReply: false,
    };
  }

  private reply(code: number, text: string): void {
    const last = this.steps.at(-1);
    if (last && last.command !== undefined && last.reply === undefined) last.reply = text;
    else this.step(undefined, text);
    const name = this.command?.name ?? null;
    const txn = this.txn;
    const refusal = code >= 400 ? { code, text } : null;

    if (name === "AUTH" || name === "AUTH-DATA") {
      if (code === 235) this.authUser = this.authTried;
      if (refusal) this.refusals.push(refusal);
    } else if (txn && name === "MAIL") {
      if (refusal) {
        txn.mailRefused = true;
        txn.refusals.push(refusal);
      }
    } else if (txn && name === "RCPT") {
      const address = /^TO:\s*<([^>]*)>/i.exec(this.command?.argument ?? "")?.[1] ?? this.command?.argument ?? "";
      if (txn.rcpts.length < MAX_TRACED_RCPTS) txn.rcpts.push({ address: clip(address), code, reply: text });
      else txn.droppedRcpts++;
    } else if (txn && name === "DATA") {
      if (code === 354) txn.dataStarted = true;
      else if (txn.dataStarted) {
        txn.final = { code, text };
        this.finish();
        return;
      } else if (refusal) txn.refusals.push(refusal);
    } else if (refusal) {
      if (txn) txn.refusals.push(refusal);
      else this.refusals.push(refusal);
    }
    if (txn?.endOnReply) this.finish();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.txn) this.finish();
    // A connection refused something before any transaction, or after the last one.
    if (this.refusals.length > 0) this.emit(this.sessionRecord());
  }

  /** Ends the current transaction: its record goes out, the steps start afresh. */
  private finish(): void {
    const txn = this.txn;
    if (!txn) return;
    this.txn = null;
    const refusals = [...this.refusals, ...txn.refusals, ...txn.rcpts.filter((r) => r.code >= 400)].map((r) =>
      "reply" in r ? { code: r.code, text: r.reply } : r,
    );
    this.refusals = [];
    const reply = txn.final ?? refusals.at(-1) ?? null;
    const result: TraceResult = txn.final
      ? classify(txn.final.code)
      : refusals.some((r) => r.code >= 500)
        ? "rejected"
        : refusals.length > 0
          ? "deferred"
          : "abandoned";
    const { facts } = txn;
    this.emit(
      this.record(txn.startedAt, txn.sessionId, result, reply, {
        mailFrom: txn.mailFrom,
        recipients: txn.rcpts,
        size: facts.size ?? txn.declaredSize,
        auth: facts.auth ?? null,
        messageIdHeader: facts.messageIdHeader ?? null,
        messageIds: facts.messageIds,
        conversationIds: facts.conversationIds,
        outboundMessageId: facts.outboundMessageId ?? null,
        notes: facts.notes,
      }),
      facts.raw,
    );
  }

  private sessionRecord(): TraceRecord {
    const refusals = this.refusals;
    this.refusals = [];
    const result = refusals.some((r) => r.code >= 500) ? "rejected" : "deferred";
    return this.record(this.startedAt, this.connection.id, result, refusals.at(-1) ?? null, {
      mailFrom: null,
      recipients: [],
    });
  }

  /**
   * The record, built once with every field (a literal of one shape, not
   * spread from parts: it is made per message, and its JSON is made from it).
   * The steps so far become its steps.
   */
  private record(
    startedAt: number,
    sessionId: string,
    result: TraceResult,
    reply: { code: number; text: string } | null,
    t: TransactionFields,
  ): TraceRecord {
    const steps = this.steps;
    // Each step's time from the record's start: the steps before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) come out negative.
    for (const step of steps) step.at -= startedAt;
    const droppedSteps = this.droppedSteps;
    this.steps = [];
    this.droppedSteps = 0;
    const tls = this.connection.tlsOptions;
    return {
      kind: this.options.kind,
      result,
      startedAt: new Date(startedAt),
      endedAt: new Date(this.now()),
      sessionId,
      clientAddress: this.connection.remoteAddress,
      clientName: null,
      helo: this.connection.hostNameAppearsAs || null,
      tlsVersion: tls ? (tls.version ?? null) : null,
      tlsCipher: tls ? (tls.name ?? null) : null,
      authUser: this.authUser ?? this.authTried,
      mailFrom: t.mailFrom,
      recipients: t.recipients,
      size: t.size ?? null,
      reply,
      auth: t.auth ?? null,
      messageIdHeader: t.messageIdHeader ?? null,
      subject: null,
      messageIds: t.messageIds,
      conversationIds: t.conversationIds,
      outboundMessageId: t.outboundMessageId ?? null,
      steps,
      droppedSteps,
      notes: t.notes,
    };
  }

  /** After the reply that ended it: the headline and the reverse name, then the sink. */
  private emit(record: TraceRecord, raw?: Buffer): void {
    const reverse = this.reverse ?? Promise.resolve(null);
    setImmediate(() => {
      void reverse.then((clientName) => {
        record.clientName = clientName;
        if (raw) {
          const headline = messageHeadline(raw);
          record.messageIdHeader ??= headline.messageIdHeader;
          record.subject = headline.subject;
        }
        this.options.sink(record);
      });
    });
  }
}

/** What a record holds of its transaction. */
type TransactionFields = Pick<
  TraceRecord,
  | "mailFrom"
  | "recipients"
  | "size"
  | "auth"
  | "messageIdHeader"
  | "messageIds"
  | "conversationIds"
  | "outboundMessageId"
  | "notes"
>;

function classify(code: number): TraceResult {
  return code < 400 ? "delivered" : code < 500 ? "deferred" : "rejected";
}

/** The verdicts behind our Authentication-Results field, as the trace keeps them. */
export function traceVerdicts(auth: AuthVerdicts): TraceAuthVerdicts {
  const dkim = auth.dkim.some((d) => d.result === "pass") ? "pass" : (auth.dkim[0]?.result ?? "none");
  return {
    spf: auth.spf,
    dkim,
    dmarc: auth.dmarc.result,
    arc: auth.arc,
    dkimDomains: auth.dkim.map((d) => `${d.domain} (${d.result})`),
    dmarcPolicy: auth.dmarc.policy,
    fromDomain: auth.dmarc.fromDomain,
  };
}
