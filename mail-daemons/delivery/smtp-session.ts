// One SMTP client session (RFC 5321 client side) over nodemailer's
// SMTPConnection: EHLO, opportunistic STARTTLS (RFC 3207) or required TLS
// and AUTH for a smarthost, PIPELINING of RCPT, then any number of
// transactions separated by RSET. Each transaction's per-recipient replies
// are handed to the caller, which commits them before the next one starts.
import { isIP } from "node:net";
import { rootCertificates, type TLSSocket } from "node:tls";
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";

export interface SessionOptions {
  /** IP address to connect to. */
  address: string;
  port: number;
  /** Host name for TLS SNI and logs. */
  hostName: string;
  heloName: string;
  /** Smarthost: TLS required (STARTTLS, or implicit when `implicitTls`), optional AUTH, certificate checked unless `verify` is false. */
  smarthost?: { implicitTls: boolean; verify: boolean; user?: string; pass?: string; ca?: string };
  /** Plain text only (after a failed TLS handshake, as Postfix's "may" level does). */
  noTls?: boolean;
  timeoutMs: number;
}

export interface TransactionResult {
  /** Per recipient: the RCPT reply if it was refused, else the DATA reply. */
  recipients: { address: string; code: number; reply: string }[];
}

export class SmtpSession {
  private broken: Error | null = null;
  private onBreak: ((error: Error) => void) | null = null;

  private constructor(
    private connection: SMTPConnection,
    readonly hostName: string,
    /** The address connected to. */
    readonly address: string,
  ) {
    connection.on("error", (error) => this.fail(error));
    connection.on("end", () => this.fail(Object.assign(new Error("Connection closed"), { code: "ECONNECTION" })));
  }

  static async open(options: SessionOptions): Promise<SmtpSession> {
    const smarthost = options.smarthost;
    const connection = new SMTPConnection({
      host: options.address,
      port: options.port,
      name: options.heloName,
      secure: smarthost?.implicitTls ?? false,
      requireTLS: smarthost ? !smarthost.implicitTls : false,
      ignoreTLS: options.noTls ?? false,
      // Opportunistic TLS to MX hosts cannot check certificates (there is no
      // way to know the right name without DANE or MTA-STS); it still stops
      // passive eavesdropping. A smarthost's certificate is checked.
      tls: {
        // RFC 6066 §3: SNI carries host names only, never an address.
        servername: isIP(options.hostName) ? undefined : options.hostName,
        rejectUnauthorized: smarthost?.verify ?? false,
        ...(smarthost?.ca ? { ca: [...rootCertificates, smarthost.ca] } : {}),
      },
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      logger: false,
    });
    const session = new SmtpSession(connection, options.hostName, options.address);
    await session.wrap<void>((done) => connection.connect((error) => done(error ?? null)));
    if (smarthost?.user) {
      await session.wrap<void>((done) =>
        connection.login({ user: smarthost.user as string, pass: smarthost.pass ?? "" }, (error) =>
          done(error ?? null),
        ),
      );
    }
    return session;
  }

  /** The TLS protocol and cipher in use (STARTTLS or implicit), or null in plain text. */
  get tls(): { version: string | null; cipher: string | null } | null {
    const connection = this.connection as unknown as { secure: boolean; _socket: TLSSocket | false };
    const socket = connection._socket;
    if (!connection.secure || !socket || typeof socket.getCipher !== "function") return null;
    return { version: socket.getProtocol?.() ?? null, cipher: socket.getCipher()?.name ?? null };
  }

  get usable(): boolean {
    return this.broken === null;
  }

  /** One transaction. Throws only when the connection failed before every recipient had an answer. */
  async send(mailFrom: string, recipients: string[], raw: Buffer): Promise<TransactionResult> {
    const result = await this.wrap<{
      info: SMTPConnection.SentMessageInfo | null;
      error: SMTPConnection.SMTPError | null;
    }>((done) =>
      this.connection.send(
        { from: mailFrom, to: recipients, use8BitMime: true } as SMTPConnection.Envelope,
        raw,
        (error, info) =>
          // Protocol refusals (EENVELOPE, EMESSAGE) are answers, not session failures.
          error && !isAnswer(error) ? done(error) : done(null, { info: error ? null : info, error }),
      ),
    );
    const refused = new Map<string, { code: number; reply: string }>();
    const rejected =
      result.info?.rejectedErrors ??
      (result.error as { rejectedErrors?: SMTPConnection.SMTPError[] } | null)?.rejectedErrors ??
      [];
    for (const e of rejected) {
      const recipient = (e as { recipient?: string }).recipient;
      if (recipient) refused.set(recipient, { code: e.responseCode ?? 451, reply: e.response ?? e.message });
    }
    const whole = result.info
      ? { code: replyCode(result.info.response) ?? 250, reply: result.info.response }
      : { code: result.error?.responseCode ?? 451, reply: result.error?.response ?? result.error?.message ?? "" };
    return { recipients: recipients.map((address) => ({ address, ...(refused.get(address) ?? whole) })) };
  }

  async reset(): Promise<void> {
    await this.wrap<void>((done) => this.connection.reset((error) => done(error ?? null)));
  }

  close(): void {
    this.broken ??= new Error("closed");
    try {
      this.connection.quit();
    } catch {}
    this.connection.close();
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    this.onBreak?.(error);
  }

  /** Runs one callback-style operation; a connection error while it waits rejects it. */
  private wrap<T>(start: (done: (error: Error | null, value?: T) => void) => void): Promise<T> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, value?: T) => {
        if (settled) return;
        settled = true;
        this.onBreak = null;
        if (error) reject(error);
        else resolve(value as T);
      };
      this.onBreak = (error) => finish(error);
      start(finish);
    });
  }
}

function isAnswer(error: SMTPConnection.SMTPError): boolean {
  return (error.code === "EENVELOPE" || error.code === "EMESSAGE") && typeof error.responseCode === "number";
}

export function replyCode(reply: string | undefined): number | null {
  const m = /^([2-5]\d\d)/.exec(reply ?? "");
  return m ? Number(m[1]) : null;
}

/** RFC 3463 status from a reply like "550 5.1.1 No such user", else from the code's class. */
export function enhancedStatus(code: number, reply: string): string {
  const m = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply);
  return m?.[1] ?? `${String(code)[0]}.0.0`;
}
