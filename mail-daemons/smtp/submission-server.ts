// Message submission (RFC 6409) for the `mail` role: smtp-server with AUTH
// PLAIN/LOGIN (RFC 4954), on the STARTTLS port (RFC 3207: AUTH only after
// TLS) and the implicit-TLS port (RFC 8314). Only the protocol lives here;
// the rules are behind SubmissionBackend (submission-backend.ts).
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Log } from "../../server/cluster/error-log.ts";
import {
  MAX_MESSAGE_BYTES,
  MAX_RECIPIENTS,
  SMTP_BUSY_IDLE_TIMEOUT_MS,
  SMTP_IDLE_TIMEOUT_MS,
  SMTP_MAX_CONNECTIONS_PER_ADDRESS,
  SUBMISSION_MAX_CONNECTIONS,
} from "../../server/limits.ts";
import type { TraceSink } from "../../server/trace/trace-record.ts";
import { withDnsCache } from "../shared/dns-cache.ts";
import { createDnsResolver } from "../shared/dns-resolver.ts";
import type { TlsCredentials } from "../shared/tls.ts";
import { checkForwardPath } from "./address-policy.ts";
import { type Reply, smtpError, useOwnEnhancedCodes } from "./enhanced-replies.ts";
import { type ConnectionLimits, guardGreeting } from "./greeting-guard.ts";
import { collectMessage } from "./message-collector.ts";
import { confirmedReverseName } from "./reverse-name.ts";
import type { SubmissionBackend, SubmissionUser } from "./submission-backend.ts";
import { type TransactionTraces, traceTransactions } from "./transaction-trace.ts";

export interface SubmissionServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  hostname: string;
  tls: TlsCredentials;
  /** true: TLS from the first byte (port 465); false: STARTTLS required before AUTH (port 587). */
  implicitTls: boolean;
  backend: SubmissionBackend;
  /** Defaults from server/limits.ts. */
  connections?: Partial<ConnectionLimits>;
  /** Where each transaction's message trace goes (server/trace/); none: not traced. */
  trace?: TraceSink;
  /** Resolvers for the trace's reverse name of a client, e.g. ["127.0.0.1:5353"] (YUBIN_DNS_SERVERS); else the system's. */
  dnsServers?: string[];
  log: Log;
}

export interface SubmissionServer {
  port: number;
  close(): Promise<void>;
}

const STORAGE_FAILED: Reply = { code: 451, enhanced: "4.3.0", message: "Temporary failure, try again" };
const TOO_BIG: Reply = {
  code: 552,
  enhanced: "5.3.4",
  message: `Message exceeds fixed maximum message size of ${MAX_MESSAGE_BYTES} bytes`,
};
// RFC 4954 §6: 535 5.7.8 wrong credentials; 454 4.7.0 temporary failure (here: throttled).
const BAD_CREDENTIALS: Reply = { code: 535, enhanced: "5.7.8", message: "Authentication credentials invalid" };
const THROTTLED: Reply = { code: 454, enhanced: "4.7.0", message: "Too many failed logins, try again later" };
const NULL_SENDER: Reply = { code: 553, enhanced: "5.7.1", message: "The null sender <> is not for submission" };

export async function startSubmissionServer(options: SubmissionServerOptions): Promise<SubmissionServer> {
  const { backend, log } = options;
  const name = options.implicitTls ? "submissions" : "submission";
  const userOf = (session: SMTPServerSession) => session.user as unknown as SubmissionUser;
  // Set once the server exists (below); the handlers run only after that.
  let traces: TransactionTraces;

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const collected = await collectMessage(stream, MAX_MESSAGE_BYTES);
    if (collected.kind === "too-big") {
      traces.data(session, { raw: collected.head, size: collected.size });
      throw smtpError(TOO_BIG);
    }
    traces.data(session, { raw: collected.raw, size: collected.raw.length });
    // Smuggling shapes are repaired by submitMessage, not refused: this is our own user's client.
    const result = await backend.submit({
      user: userOf(session),
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
      recipients: session.envelope.rcptTo.map((r) => r.address),
      raw: collected.raw,
    });
    if (!result.ok) throw smtpError(result);
    traces.data(session, {
      // The Message-ID the message left with: submission adds one when the client gave none.
      messageIdHeader: result.held ? undefined : result.id,
      messageIds: result.storedMessageId ? [result.storedMessageId] : [],
      conversationIds: result.conversationId ? [result.conversationId] : [],
      outboundMessageId: result.outboundMessageId ?? null,
      notes: result.held ? ["held_for_approval"] : [],
    });
    log(`${name}: <${result.id}> from ${userOf(session).email} for ${session.envelope.rcptTo.length} recipient(s)`);
    return `Message accepted as <${result.id}>`;
  }

  const server = new SMTPServer({
    name: options.hostname,
    banner: "Yubin submission",
    secure: options.implicitTls,
    key: options.tls.key,
    cert: options.tls.cert,
    authMethods: ["PLAIN", "LOGIN"],
    // RFC 3207 §4 / RFC 4954 §4: no credentials over plaintext; smtp-server answers 538 5.7.0 before STARTTLS.
    allowInsecureAuth: false,
    authRequiredMessage: "5.7.0 Authentication required",
    hideENHANCEDSTATUSCODES: false,
    size: MAX_MESSAGE_BYTES,
    maxRecipients: MAX_RECIPIENTS,
    disableReverseLookup: true,
    logger: false,
    onAuth: (auth, session, callback) => {
      traces.authAttempt(session, auth.username ?? "");
      backend
        .login({ username: auth.username ?? "", password: auth.password ?? "", remoteAddress: session.remoteAddress })
        .then(
          (verdict) => {
            if (verdict.ok) return callback(null, { user: verdict.user as unknown as string });
            callback(smtpError(verdict.reason === "throttled" ? THROTTLED : BAD_CREDENTIALS));
          },
          (error: unknown) => {
            log(`${name}: login failed: ${String(error)}`, "error");
            callback(smtpError({ code: 454, enhanced: "4.7.0", message: "Temporary authentication failure" }));
          },
        );
    },
    onMailFrom: (address, session, callback) => {
      if (!address.address) return callback(smtpError(NULL_SENDER));
      backend.maySendAs(userOf(session), address.address).then(
        (ok) =>
          callback(
            ok
              ? undefined
              : smtpError({
                  code: 553,
                  enhanced: "5.7.1",
                  message: `Sender address <${address.address}> is not one you may send as`,
                }),
          ),
        () => callback(smtpError(STORAGE_FAILED)),
      );
    },
    onRcptTo: (address, session, callback) => {
      const path = checkForwardPath(address.address);
      if (!path.ok) return callback(smtpError(path));
      backend.checkRecipient(userOf(session), path.address).then(
        (verdict) => callback(verdict.ok ? undefined : smtpError(verdict)),
        () => callback(smtpError(STORAGE_FAILED)),
      );
    },
    onData: (stream, session, callback) => {
      onData(stream, session).then(
        (message) => callback(null, message),
        (error: unknown) => {
          if (!(error instanceof Error && "responseCode" in error)) {
            log(`${name}: unexpected error: ${String(error)}`, "error");
            stream.resume();
            return callback(smtpError(STORAGE_FAILED));
          }
          callback(error);
        },
      );
    },
  });
  const connections = server.connections as Set<Parameters<typeof useOwnEnhancedCodes>[0]>;
  const add = connections.add.bind(connections);
  connections.add = (connection) => {
    useOwnEnhancedCodes(connection);
    return add(connection);
  };
  guardGreeting(
    server,
    {
      maxConnections: SUBMISSION_MAX_CONNECTIONS,
      maxPerAddress: SMTP_MAX_CONNECTIONS_PER_ADDRESS,
      idleTimeoutMs: SMTP_IDLE_TIMEOUT_MS,
      busyIdleTimeoutMs: SMTP_BUSY_IDLE_TIMEOUT_MS,
      ...options.connections,
    },
    (line) => log(`${name}: ${line}`),
  );
  // Last, so that it sees each connection with the wrappers above in place.
  traces = traceTransactions(
    server,
    options.trace
      ? {
          kind: "submission",
          sink: options.trace,
          reverseName: confirmedReverseName(withDnsCache(createDnsResolver(options.dnsServers))),
        }
      : undefined,
  );
  server.on("error", (error) => log(`${name}: ${error.message}`, "error"));

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log(`${name}: listening on ${options.host ?? "*"}:${port}`);
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
