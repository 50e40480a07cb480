// The inbound MX listener of the `mail` role: SMTP (RFC 5321) over smtp-server,
// accepting mail for local recipients only, from anyone, without AUTH. Storage
// is behind MxBackend (mx-backend.ts); this file only speaks the protocol.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Log } from "../../server/cluster/error-log.ts";
import {
  MAX_MESSAGE_BYTES,
  MAX_RECEIVED_HEADERS,
  MAX_RECIPIENTS,
  MX_MAX_CONNECTIONS,
  SMTP_BUSY_IDLE_TIMEOUT_MS,
  SMTP_IDLE_TIMEOUT_MS,
  SMTP_MAX_CONNECTIONS_PER_ADDRESS,
} from "../../server/limits.ts";
import type { TraceSink } from "../../server/trace/trace-record.ts";
import { withDnsCache } from "../shared/dns-cache.ts";
import { createDnsResolver, type DnsResolve } from "../shared/dns-resolver.ts";
import type { TlsCredentials } from "../shared/tls.ts";
import { checkForwardPath } from "./address-policy.ts";
import { checkSenderAuthentication, withoutForgedAuthResults } from "./authentication.ts";
import { dmarcDisposition } from "./dmarc-disposition.ts";
import { type Reply, smtpError, useOwnEnhancedCodes } from "./enhanced-replies.ts";
import { type ConnectionLimits, guardGreeting } from "./greeting-guard.ts";
import { collectMessage } from "./message-collector.ts";
import type { DmarcEnforcement, MxBackend } from "./mx-backend.ts";
import { keepRawForwardPath, rawForwardPath } from "./raw-forward-path.ts";
import { confirmedReverseName } from "./reverse-name.ts";
import { countReceived, receivedHeader } from "./trace-fields.ts";
import { type TransactionTraces, traceTransactions, traceVerdicts } from "./transaction-trace.ts";

export interface MxServerOptions {
  /** 0 picks a free port (tests); see the returned `port`. */
  port: number;
  host?: string;
  /** Greeting, Received "by" and Authentication-Results authserv-id. */
  hostname: string;
  tls: TlsCredentials;
  backend: MxBackend;
  /** A resolver function (tests), or else servers like ["127.0.0.1:5353"] (YUBIN_DNS_SERVERS). */
  dnsResolver?: DnsResolve;
  dnsServers?: string[];
  /** Defaults from server/limits.ts; an MX cluster worker passes the primary's gate. */
  connections?: Partial<ConnectionLimits>;
  /** Where each transaction's message trace goes (server/trace/); none: not traced. */
  trace?: TraceSink;
  log: Log;
}

export interface MxServer {
  port: number;
  close(): Promise<void>;
}

// DESIGN.md "Nothing acknowledged is lost": a storage failure is temporary.
const STORAGE_FAILED: Reply = {
  code: 451,
  enhanced: "4.3.0",
  message: "Temporary failure storing the message, try again",
};
// RFC 1870 §6.3 names 552 for a message over the declared limit; RFC 3463 X.3.4 "message too big for system".
const TOO_BIG: Reply = {
  code: 552,
  enhanced: "5.3.4",
  message: `Message exceeds fixed maximum message size of ${MAX_MESSAGE_BYTES} bytes`,
};
// RFC 5321 §2.3.8 and §4.1.1.4: CR and LF occur in DATA only as CRLF. A bare
// LF is accepted and stored as CRLF (message-collector.ts); what is refused are
// the shapes SMTP smuggling (CVE-2023-51766 and kin) needs to hide a second
// message behind "<LF>.<CRLF>" for a downstream server that would end DATA
// there. Refusing the whole message means exactly zero or one message per
// DATA. RFC 3463 X.6.0 ("other or undefined media error") is the registered
// code for bad content.
const SMUGGLING: Reply = {
  code: 554,
  enhanced: "5.6.0",
  message:
    "Message contains a bare CR or LF where SMTP smuggling needs one (a bare CR, or a bare LF next to a line of a single dot); lines must end with CRLF (RFC 5321 section 2.3.8)",
};
// RFC 5321 §6.3: this many hops means a loop.
const TOO_MANY_HOPS: Reply = {
  code: 554,
  enhanced: "5.4.0",
  message: `Too many Received header fields (more than ${MAX_RECEIVED_HEADERS}), mail loop suspected`,
};

export async function startMxServer(options: MxServerOptions): Promise<MxServer> {
  const { backend, hostname, log } = options;
  const resolve = options.dnsResolver ?? withDnsCache(createDnsResolver(options.dnsServers));
  // Recipients accepted at RCPT, with the mailboxes the backend resolved them to.
  const accepted = new WeakMap<SMTPServerAddress, { address: string; mailboxIds: number[]; dmarc: DmarcEnforcement }>();
  // Set once the server exists (below); the handlers run only after that.
  let traces: TransactionTraces;

  async function onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    // The raw path, so that source routes and "a@b@c" are seen (raw-forward-path.ts).
    const path = checkForwardPath(rawForwardPath(address) ?? address.address);
    if (!path.ok) throw smtpError(path);
    // RFC 1870 §6: a mailbox the declared size would not fit is refused now, not after the upload.
    const args = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
    const declared = Number(args ? args.SIZE : undefined);
    const declaredSize = Number.isSafeInteger(declared) && declared > 0 ? declared : null;
    const verdict = await backend.checkRecipient(path.address, { declaredSize }).catch((error: unknown) => {
      log(`mx: checkRecipient failed: ${String(error)}`, "error");
      throw smtpError(STORAGE_FAILED);
    });
    if (!verdict.ok) throw smtpError(verdict);
    accepted.set(address, { address: path.address, mailboxIds: verdict.mailboxIds, dmarc: verdict.dmarc ?? "policy" });
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const collected = await collectMessage(stream, MAX_MESSAGE_BYTES);
    if (collected.kind === "too-big") {
      traces.data(session, { raw: collected.head, size: collected.size });
      throw smtpError(TOO_BIG);
    }
    traces.data(session, { raw: collected.raw, size: collected.raw.length });
    if (collected.kind === "smuggling") throw smtpError(SMUGGLING);
    const { raw } = collected;
    if (countReceived(raw) > MAX_RECEIVED_HEADERS) throw smtpError(TOO_MANY_HOPS);

    const rcpts = session.envelope.rcptTo.flatMap((rcpt) => accepted.get(rcpt) ?? []);
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null;
    const helo = session.hostNameAppearsAs;
    const id = `${session.id}.${session.transaction}`;
    const authResults = await checkSenderAuthentication({
      raw,
      mailFrom,
      remoteAddress: session.remoteAddress,
      helo,
      hostname,
      resolve,
    });
    traces.data(session, { auth: traceVerdicts(authResults) });
    // RFC 7489 §6.6: the From domain's policy for failing mail, per recipient
    // domain's enforcement. SMTP has one reply per DATA, so only a message every
    // recipient would refuse is refused; the others' copies go to Spam.
    const sample = Math.random() * 100;
    const dispositions = rcpts.map((r) => dmarcDisposition(authResults.dmarc, r.dmarc, sample));
    if (dispositions.length > 0 && dispositions.every((d) => d === "reject")) {
      log(`mx: ${id} from <${mailFrom ?? ""}> refused: DMARC p=reject of ${authResults.dmarc.fromDomain}`);
      throw smtpError({
        code: 550,
        enhanced: "5.7.1",
        message: `Rejected by the DMARC policy of ${authResults.dmarc.fromDomain}: the From domain is not authenticated (RFC 7489 section 6.6.3)`,
      });
    }
    const recipients = rcpts.flatMap((r, i) =>
      r.mailboxIds.map((mailboxId) => ({ address: r.address, mailboxId, quarantine: dispositions[i] !== "deliver" })),
    );
    const received = receivedHeader({
      helo,
      remoteAddress: session.remoteAddress,
      hostname,
      protocol: session.transmissionType,
      id,
      recipients: rcpts.map((r) => r.address),
      date: new Date(),
    });
    // RFC 5321 §4.4: trace fields go on top; the RFC 8601 field follows ours,
    // and none below it may claim to be ours (RFC 8601 §5).
    const stored = Buffer.concat([
      Buffer.from(received + authResults.header, "utf8"),
      withoutForgedAuthResults(raw, hostname),
    ]);
    const outcome = await backend
      .deliver({
        mailFrom,
        recipients,
        raw: stored,
        remoteAddress: session.remoteAddress,
        heloName: helo,
        tls: session.secure,
        authResults,
      })
      .catch((error: unknown) => {
        log(`mx: deliver failed (${id}): ${String(error)}`, "error");
        throw smtpError(STORAGE_FAILED);
      });
    const kept = outcome.recipients.flatMap((r) => (r.ok ? [r] : []));
    traces.data(session, {
      messageIds: [...new Set(kept.flatMap((r) => (r.messageId ? [r.messageId] : [])))],
      conversationIds: [...new Set(kept.flatMap((r) => (r.conversationId ? [r.conversationId] : [])))],
      notes: [
        ...(kept.some((r) => r.queued) ? (["queued_for_room"] as const) : []),
        ...(kept.some((r) => r.duplicate) ? (["duplicate"] as const) : []),
        ...(recipients.some((r) => r.quarantine) ? (["quarantined"] as const) : []),
      ],
    });
    // SMTP has one reply per DATA (RFC 5321 §4.1.1.4; per-recipient replies are
    // LMTP's, RFC 2033 §4.2). A recipient whose mailbox filled up since RCPT is
    // kept in the queue by the backend when the others got the message; if
    // nobody got it because every mailbox is full, the transaction is refused
    // 452 4.2.2 and the sender retries. Any other failure: the client must
    // retry (451), a duplicate for the others being better than a silent loss.
    const failed = outcome.recipients.filter((r) => !r.ok);
    if (failed.length > 0 || outcome.recipients.length !== recipients.length) {
      const reasons = failed.map((r) => `<${r.address}> ${r.code} ${r.enhanced} ${r.message}`).join(", ");
      // No room anywhere: every mailbox full (4.2.2), or the server's own disk (4.3.1).
      const first = failed[0];
      const full = first !== undefined && failed.every((r) => r.code === 452 && r.enhanced === first.enhanced);
      if (full && outcome.recipients.every((r) => !r.ok) && outcome.recipients.length === recipients.length) {
        log(`mx: ${id} from <${mailFrom ?? ""}> refused 452 ${first.enhanced}: no room for it (${reasons})`);
        throw smtpError({ code: 452, enhanced: first.enhanced, message: first.message });
      }
      log(`mx: ${id} not stored for ${reasons || "some recipients (no outcome)"}; answering 451 so the client retries`);
      throw smtpError(STORAGE_FAILED);
    }
    const spam = recipients.filter((r) => r.quarantine).length;
    const queued = outcome.recipients.filter((r) => r.ok && r.queued).map((r) => `<${r.address}>`);
    log(
      `mx: ${id} from <${mailFrom ?? ""}> stored for ${rcpts.length - queued.length} recipient(s)` +
        (queued.length ? `, queued for ${queued.join(", ")} until their mailbox has room (452 4.2.2)` : "") +
        (spam ? `, ${spam} as spam (DMARC of ${authResults.dmarc.fromDomain})` : ""),
    );
    return `Message accepted as ${id}`;
  }

  const server = new SMTPServer({
    name: hostname,
    banner: "Yubin",
    key: options.tls.key,
    cert: options.tls.cert,
    // An MX is where the world delivers: no AUTH here (that is submission's job).
    authOptional: true,
    disabledCommands: ["AUTH"],
    hideENHANCEDSTATUSCODES: false,
    size: MAX_MESSAGE_BYTES,
    maxRecipients: MAX_RECIPIENTS,
    // A PTR lookup per connection would cost a timeout without a resolver, and
    // an unverified PTR name is worth little in a Received field.
    disableReverseLookup: true,
    logger: false,
    onRcptTo: (address, session, callback) => {
      onRcptTo(address, session).then(() => callback(), callback);
    },
    onData: (stream, session, callback) => {
      onData(stream, session).then(
        (message) => callback(null, message),
        (error: unknown) => {
          if (!(error instanceof Error && "responseCode" in error)) {
            log(`mx: unexpected error: ${String(error)}`, "error");
            // The stream may not have been read to its end if collecting failed.
            stream.resume();
            return callback(smtpError(STORAGE_FAILED));
          }
          callback(error);
        },
      );
    },
  });
  // Every connection gets our RFC 3463 codes and keeps raw RCPT paths.
  const connections = server.connections as Set<
    Parameters<typeof useOwnEnhancedCodes>[0] & Parameters<typeof keepRawForwardPath>[0]
  >;
  const add = connections.add.bind(connections);
  connections.add = (connection) => {
    useOwnEnhancedCodes(connection);
    keepRawForwardPath(connection);
    return add(connection);
  };
  guardGreeting(
    server,
    {
      maxConnections: MX_MAX_CONNECTIONS,
      maxPerAddress: SMTP_MAX_CONNECTIONS_PER_ADDRESS,
      idleTimeoutMs: SMTP_IDLE_TIMEOUT_MS,
      busyIdleTimeoutMs: SMTP_BUSY_IDLE_TIMEOUT_MS,
      ...options.connections,
    },
    (line) => log(`mx: ${line}`),
  );
  // Last, so that it sees each connection with the wrappers above in place.
  traces = traceTransactions(
    server,
    options.trace ? { kind: "mx", sink: options.trace, reverseName: confirmedReverseName(resolve) } : undefined,
  );
  server.on("error", (error) => log(`mx: ${error.message}`, "error"));

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  log(`mx: listening on ${options.host ?? "*"}:${port} as ${hostname}`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
