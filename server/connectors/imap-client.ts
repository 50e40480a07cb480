// An imapflow client for a connector. TLS is never optional: implicit TLS
// (RFC 8314) or STARTTLS that must succeed (doSTARTTLS: no silent fall back
// to a plaintext login when a server, or someone in the path, hides the
// STARTTLS capability). Certificates are checked unless the admin turned it
// off; a private CA (or the server's own certificate) is trusted when given.
import { ImapFlow, type ImapFlowOptions } from "imapflow";

export interface ClientSettings {
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  checkCertificate: boolean;
  caPem: string | null;
  username: string;
  password: string;
}

export const CONNECT_TIMEOUT_MS = 15_000;

export function connectorClient(s: ClientSettings): ImapFlow {
  const options: ImapFlowOptions & { doSTARTTLS?: boolean } = {
    host: s.host,
    port: s.port,
    secure: s.tls === "implicit",
    doSTARTTLS: s.tls === "starttls",
    auth: { user: s.username, pass: s.password },
    tls: {
      rejectUnauthorized: s.checkCertificate,
      ...(s.caPem ? { ca: s.caPem } : {}),
      servername: isIp(s.host) ? undefined : s.host,
    },
    // imapflow's own log would carry the LOGIN line; Yubin reports failures itself (describe-failure.ts).
    logger: false,
    disableAutoIdle: true,
    // RFC 7162 §3.2.3: ENABLE QRESYNC where offered, so remote expunges arrive as VANISHED (follow-changes.ts).
    qresync: true,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: 5 * 60_000,
    clientInfo: { name: "Yubin" },
  };
  const client = new ImapFlow(options);
  // An error event without a listener would end the process; the failing call rejects anyway.
  client.on("error", () => {});
  return client;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
