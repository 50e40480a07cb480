// The `mail` role: every mail protocol listener of this process, over server/.
// The inbound MX, submission, POP3 and IMAP.

import { startConnectorRunner } from "../../mail-daemons/connector/connector-runner.ts";
import { startImapServer } from "../../mail-daemons/imap/imap-server.ts";
import { storeImapBackend } from "../../mail-daemons/imap/store-backend.ts";
import { startPop3Server } from "../../mail-daemons/pop3/pop3-server.ts";
import { storePop3Backend } from "../../mail-daemons/pop3/store-backend.ts";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { startMxCluster } from "../../mail-daemons/smtp/mx-cluster.ts";
import { startMxServer } from "../../mail-daemons/smtp/mx-server.ts";
import { mxStoreBackend } from "../../mail-daemons/smtp/mx-store-backend.ts";
import { startSubmissionServer } from "../../mail-daemons/smtp/submission-server.ts";
import { submissionStoreBackend } from "../../mail-daemons/smtp/submission-store-backend.ts";
import type { Log } from "../../server/cluster/error-log.ts";
import type { Env } from "../../server/env.ts";
import { processTraceSink } from "../../server/trace/trace-writer.ts";
import type { RunningRole } from "./role.ts";

/** Set by openDatabase before any role starts (the embedded server's URL when none is configured). */
function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: the database has not been started");
  return url;
}

export async function startMailRole(env: Env, log: Log): Promise<RunningRole> {
  const tls = await loadTlsCredentials({
    certPath: env.YUBIN_TLS_CERT,
    keyPath: env.YUBIN_TLS_KEY,
    dataDir: env.dataDir,
    hostname: env.YUBIN_HOSTNAME,
  });
  const dnsServers = env.YUBIN_DNS_SERVERS?.split(/[\s,]+/).filter(Boolean);
  const listeners: Record<string, number> = {};
  const closers: (() => Promise<void>)[] = [];
  let healthy = () => true;
  // The message trace of every SMTP transaction (off when YUBIN_TRACE_RETENTION_DAYS=0).
  const trace = processTraceSink((line, level) => log(`smtp: ${line}`, level));
  if (env.YUBIN_SMTP_PORT !== 0 && env.YUBIN_SMTP_PROCESSES > 1) {
    const mx = await startMxCluster(env.YUBIN_SMTP_PROCESSES, log);
    listeners.smtp = mx.port;
    healthy = mx.healthy;
    closers.push(() => mx.close());
  } else if (env.YUBIN_SMTP_PORT !== 0) {
    const mx = await startMxServer({
      port: env.YUBIN_SMTP_PORT,
      host: env.YUBIN_BIND_ADDRESS,
      hostname: env.YUBIN_HOSTNAME,
      tls,
      backend: mxStoreBackend,
      dnsServers,
      trace,
      log: (line, level) => log(`smtp: ${line}`, level),
    });
    listeners.smtp = mx.port;
    closers.push(() => mx.close());
  }
  // RFC 6409 submission: STARTTLS port (587) and implicit TLS port (465, RFC 8314).
  for (const [name, port, implicitTls] of [
    ["submission", env.YUBIN_SUBMISSION_PORT, false],
    ["submissions", env.YUBIN_SUBMISSIONS_PORT, true],
  ] as const) {
    if (port === 0) continue;
    const server = await startSubmissionServer({
      port,
      host: env.YUBIN_BIND_ADDRESS,
      hostname: env.YUBIN_HOSTNAME,
      tls,
      implicitTls,
      backend: submissionStoreBackend(env.YUBIN_HOSTNAME),
      trace,
      dnsServers,
      log: (line, level) => log(`smtp: ${line}`, level),
    });
    listeners[name] = server.port;
    closers.push(() => server.close());
  }
  // RFC 1939 POP3: STLS port (110, RFC 2595) and implicit TLS port (995, RFC 8314), one backend and
  // one lock connection for both; it closes after the listeners, whose sessions release their locks.
  if (env.YUBIN_POP3_PORT !== 0 || env.YUBIN_POP3S_PORT !== 0) {
    const backend = storePop3Backend(databaseUrl());
    closers.push(() => backend.close());
    for (const [name, port, implicitTls] of [
      ["pop3", env.YUBIN_POP3_PORT, false],
      ["pop3s", env.YUBIN_POP3S_PORT, true],
    ] as const) {
      if (port === 0) continue;
      const server = await startPop3Server({
        port,
        host: env.YUBIN_BIND_ADDRESS,
        hostname: env.YUBIN_HOSTNAME,
        tls,
        implicitTls,
        backend,
        log,
      });
      listeners[name] = server.port;
      closers.push(() => server.close());
    }
  }
  // RFC 9051 IMAP: STARTTLS port (143) and implicit TLS port (993, RFC 8314), one backend (and its one
  // LISTEN connection) for both; it closes after the listeners have said BYE to their sessions.
  if (env.YUBIN_IMAP_PORT !== 0 || env.YUBIN_IMAPS_PORT !== 0) {
    const backend = storeImapBackend(databaseUrl());
    closers.push(() => backend.close());
    for (const [name, port, implicitTls] of [
      ["imap", env.YUBIN_IMAP_PORT, false],
      ["imaps", env.YUBIN_IMAPS_PORT, true],
    ] as const) {
      if (port === 0) continue;
      const server = await startImapServer({
        port,
        host: env.YUBIN_BIND_ADDRESS,
        hostname: env.YUBIN_HOSTNAME,
        tls,
        implicitTls,
        backend,
        log: (line, level) => log(`imap: ${line}`, level),
        allowPlaintextLoginFromLoopback: true,
      });
      listeners[name] = server.port;
      closers.push(() => server.close());
    }
  }
  // Connected remote mailboxes (server/connectors/): this process takes up those no other mail process holds.
  const connectors = startConnectorRunner({ dataDir: env.dataDir, log: (line) => log(`connector: ${line}`) });
  closers.push(() => connectors.stop());
  return {
    name: "mail",
    listeners,
    banner: Object.entries(listeners).map(([name, port]) => `${name}: ${env.YUBIN_HOSTNAME}:${port}`),
    healthy: async () => healthy(),
    stop: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
