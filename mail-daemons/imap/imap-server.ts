// The IMAP listeners for the `mail` role: STARTTLS on the plain port and
// implicit TLS on the other (RFC 8314), with caps on concurrent connections
// per client address and per user (server/limits.ts). The protocol is in
// connection.ts and the commands; storage is behind the backend.
import net, { type AddressInfo, type Socket } from "node:net";
import tls, { type TLSSocket } from "node:tls";
import type { Log } from "../../server/cluster/error-log.ts";
import {
  IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS,
  IMAP_MAX_CONNECTIONS_PER_ADDRESS,
  IMAP_MAX_CONNECTIONS_PER_USER,
  IMAP_PREAUTH_IDLE_TIMEOUT_MS,
} from "../../server/limits.ts";
import type { ImapBackend, Principal } from "./backend.ts";
import { ImapConnection } from "./connection.ts";
import type { ServerContext } from "./server-context.ts";

export interface ImapServerOptions<P extends Principal> {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  tls: { key: Buffer | string; cert: Buffer | string };
  /** true: TLS from the first byte (port 993); false: STARTTLS (port 143). */
  implicitTls: boolean;
  backend: ImapBackend<P>;
  hostname: string;
  log: Log;
  /** Lets clients on 127.0.0.0/8 and ::1 log in without TLS. */
  allowPlaintextLoginFromLoopback?: boolean;
  /** Tests lower the caps and timeouts of server/limits.ts to see them work. */
  limits?: Partial<ImapConnectionLimits>;
}

export interface ImapConnectionLimits {
  maxConnectionsPerAddress: number;
  maxConnectionsPerUser: number;
  preauthIdleTimeoutMs: number;
  authenticatedIdleTimeoutMs: number;
}

export interface ImapServer {
  port: number;
  /** Stops listening, says BYE to every client and waits for them to go. */
  close(): Promise<void>;
}

export async function startImapServer<P extends Principal>(options: ImapServerOptions<P>): Promise<ImapServer> {
  const name = options.implicitTls ? "imaps" : "imap";
  const secureContext = tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  const perAddress = new Map<string, number>();
  const perUser = new Map<string, number>();
  const connections = new Set<ImapConnection>();
  const limits: ImapConnectionLimits = {
    maxConnectionsPerAddress: IMAP_MAX_CONNECTIONS_PER_ADDRESS,
    maxConnectionsPerUser: IMAP_MAX_CONNECTIONS_PER_USER,
    preauthIdleTimeoutMs: IMAP_PREAUTH_IDLE_TIMEOUT_MS,
    authenticatedIdleTimeoutMs: IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS,
    ...options.limits,
  };

  const context: ServerContext = {
    hostname: options.hostname,
    backend: options.backend as unknown as ImapBackend<Principal>,
    log: options.log,
    tlsAvailable: !options.implicitTls,
    allowPlaintextLoginFromLoopback: options.allowPlaintextLoginFromLoopback ?? false,
    preauthIdleTimeoutMs: limits.preauthIdleTimeoutMs,
    authenticatedIdleTimeoutMs: limits.authenticatedIdleTimeoutMs,
    admitUser(userKey) {
      const count = perUser.get(userKey) ?? 0;
      if (count >= limits.maxConnectionsPerUser) return null;
      perUser.set(userKey, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        decrement(perUser, userKey);
      };
    },
  };

  const accept = (socket: Socket | TLSSocket, secure: boolean) => {
    const address = socket.remoteAddress ?? "";
    const count = perAddress.get(address) ?? 0;
    if (count >= limits.maxConnectionsPerAddress) {
      socket.end("* BYE Too many connections from your address\r\n");
      return;
    }
    perAddress.set(address, count + 1);
    const connection = new ImapConnection({
      socket,
      secure,
      loopback: isLoopback(address),
      server: context,
      secureContext,
      onClose: () => {
        connections.delete(connection);
        decrement(perAddress, address);
      },
    });
    connections.add(connection);
    connection.start();
  };

  // noDelay: responses leave in gathered writes (response/response-writer.ts), so Nagle's algorithm
  // has nothing to merge; it only held a command's last segment (often its tagged OK) until the
  // client's delayed ACK, up to 40 ms, when a response went out in two writes (SELECT: bench:imap).
  const server = options.implicitTls
    ? tls.createServer({ key: options.tls.key, cert: options.tls.cert, noDelay: true }, (socket) =>
        accept(socket, true),
      )
    : net.createServer({ noDelay: true }, (socket) => accept(socket, false));
  server.on("error", (error) => options.log(`${name}: ${error.message}`, "error"));
  if (options.implicitTls)
    server.on("tlsClientError", (error) => options.log(`${name}: TLS handshake failed: ${error.message}`));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.log(`${name}: listening on ${options.host ?? "*"}:${port}`);

  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((connection) => connection.shutdown()));
      await closed;
    },
  };
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 1) - 1;
  if (count <= 0) counts.delete(key);
  else counts.set(key, count);
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
