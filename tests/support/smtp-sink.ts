import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { useOwnEnhancedCodes } from "../../mail-daemons/smtp/enhanced-replies.ts";
import { scratchDir } from "./yubin-process.ts";

export interface SinkMessage {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  secure: boolean;
  user?: string;
  /** The client's port: which process sent it (bench/chaos-outbound.ts). */
  remotePort: number;
}

/** What to do; `null` means the normal answer. Codes >= 400 are answered as given ("421" closes). */
export interface SinkBehavior {
  /** "drop": close the socket at once, before the greeting. */
  connect?: () => { code: number; message: string } | "drop" | null;
  rcpt?: (address: string) => { code: number; message: string } | null;
  /** "drop": read the message, then close the socket without a reply. */
  data?: (message: SinkMessage) => { code: number; message: string } | "drop" | null;
  /** Wait this long after the end of data before answering (a slow remote). */
  replyDelayMs?: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: SinkMessage[];
  behavior: SinkBehavior;
  /** Connections opened so far. */
  connections: number;
  close(): Promise<void>;
}

let tlsPromise: ReturnType<typeof loadTlsCredentials> | undefined;

const refusal = (r: { code: number; message: string }) => Object.assign(new Error(r.message), { responseCode: r.code });

export async function startSmtpSink(
  options: { host?: string; port?: number; tls?: boolean; auth?: { user: string; pass: string } } = {},
): Promise<SmtpSink> {
  tlsPromise ??= loadTlsCredentials({
    dataDir: scratchDir("yubin-sink-tls-"),
    hostname: "sink.test",
  });
  const tls = await tlsPromise;
  const sink: SmtpSink = {
    host: options.host ?? "127.0.0.1",
    port: 0,
    messages: [],
    behavior: {},
    connections: 0,
    close: async () => {},
  };
  const server: SMTPServer = new SMTPServer({
    key: tls.key,
    cert: tls.cert,
    hideSTARTTLS: options.tls === false,
    authOptional: !options.auth,
    disabledCommands: options.auth ? [] : ["AUTH"],
    hideENHANCEDSTATUSCODES: false,
    disableReverseLookup: true,
    logger: false,
    size: 60 * 1024 * 1024,
    onAuth: (auth, _session, callback) => {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) {
        return callback(null, { user: auth.username });
      }
      callback(refusal({ code: 535, message: "bad credentials" }));
    },
    onConnect: (session, callback) => {
      sink.connections++;
      const r = sink.behavior.connect?.();
      if (r === "drop") return dropConnection(session.id);
      callback(r ? refusal(r) : undefined);
    },
    onRcptTo: (address, _session, callback) => {
      const r = sink.behavior.rcpt?.(address.address);
      callback(r ? refusal(r) : undefined);
    },
    onData: (stream, session: SMTPServerSession, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (sink.behavior.replyDelayMs) await new Promise((r) => setTimeout(r, sink.behavior.replyDelayMs));
        const message: SinkMessage = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: session.user as string | undefined,
          remotePort: session.remotePort,
        };
        const r = sink.behavior.data?.(message) ?? null;
        if (r === "drop") {
          // The message arrived but the client never hears so: it must retry.
          sink.messages.push(message);
          dropConnection(session.id);
          return;
        }
        if (r) return callback(refusal(r));
        sink.messages.push(message);
        callback(null, "2.0.0 Ok: queued");
      });
    },
  });
  function dropConnection(id: string): void {
    for (const connection of server.connections as Set<{ id: string; _socket: { destroy(): void } }>) {
      if (connection.id === id) connection._socket.destroy();
    }
  }
  // Replies are sent exactly as a test words them ("451 4.4.5 Try later").
  const connections = server.connections as Set<Parameters<typeof useOwnEnhancedCodes>[0]>;
  const add = connections.add.bind(connections);
  connections.add = (connection) => {
    useOwnEnhancedCodes(connection);
    return add(connection);
  };
  server.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, sink.host, () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
