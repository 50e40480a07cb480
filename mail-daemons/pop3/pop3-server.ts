// POP3 listeners for the `mail` role: RFC 1939 with STLS (RFC 2595) on
// YUBIN_POP3_PORT, or TLS from the first byte (RFC 8314) on YUBIN_POP3S_PORT.
// Only the protocol lives here; storage is behind Pop3Backend (backend.ts).
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createSecureContext, createServer as createTlsServer } from "node:tls";
import type { Log } from "../../server/cluster/error-log.ts";
import type { TlsCredentials } from "../shared/tls.ts";
import type { Pop3Backend } from "./backend.ts";
import { Pop3Connection } from "./connection.ts";
import { ConnectionCounter } from "./connection-counter.ts";
import {
  CLOSE_GRACE_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_ADDRESS,
  TLS_HANDSHAKE_TIMEOUT_MS,
} from "./limits.ts";
import { err } from "./responses.ts";

export interface Pop3ServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  /** Shown in the greeting and the QUIT reply. */
  hostname: string;
  /** Needed for STLS and for implicit TLS; without it STLS is not offered. */
  tls: TlsCredentials | null;
  /** true: TLS from the first byte (port 995); false: plaintext with STLS (port 110). */
  implicitTls: boolean;
  backend: Pop3Backend;
  log: Log;
  /** RFC 1939 §3: at least 10 minutes in production; tests shorten it. */
  idleTimeoutMs?: number;
  /** Tests lower the caps of limits.ts to see them work. */
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
}

export interface Pop3Server {
  port: number;
  /** Open connections, for health and tests. */
  readonly connections: number;
  /** Stops listening and closes every session (no UPDATE: nothing is deleted); resolves when all locks are released. */
  close(): Promise<void>;
}

const TOO_MANY = err("Too many connections, try again later", "SYS/TEMP");

export async function startPop3Server(options: Pop3ServerOptions): Promise<Pop3Server> {
  const { log } = options;
  const name = options.implicitTls ? "pop3s" : "pop3";
  const secureContext = options.tls ? createSecureContext({ key: options.tls.key, cert: options.tls.cert }) : null;
  if (options.implicitTls && !secureContext) throw new Error("POP3 over implicit TLS needs a certificate");
  const counter = new ConnectionCounter(
    options.maxConnections ?? MAX_CONNECTIONS,
    options.maxConnectionsPerAddress ?? MAX_CONNECTIONS_PER_ADDRESS,
  );
  const open = new Set<Pop3Connection>();
  let closing = false;

  const accept = (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    if (closing || !counter.tryAdd(address)) {
      socket.on("error", () => {});
      socket.end(TOO_MANY);
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      return;
    }
    const connection = new Pop3Connection(socket, {
      backend: options.backend,
      hostname: options.hostname,
      log,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      secureContext,
      secure: options.implicitTls,
    });
    open.add(connection);
    void connection.done.then(() => {
      open.delete(connection);
      counter.remove(address);
    });
  };

  // allowHalfOpen: a client that closes its sending side after its last command still gets the answers (connection.ts).
  // noDelay: every response already leaves in one corked write (send-message.ts batches a message's
  // pieces), so Nagle's algorithm has nothing to merge; it would only hold the last segment of a RETR
  // until the client's delayed ACK (up to 40 ms per message on a real network), once per message.
  const server: Server =
    options.implicitTls && options.tls
      ? createTlsServer(
          {
            key: options.tls.key,
            cert: options.tls.cert,
            handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
            allowHalfOpen: true,
            noDelay: true,
          },
          accept,
        ).on("tlsClientError", () => {})
      : createTcpServer({ allowHalfOpen: true, noDelay: true }, accept);
  if (options.implicitTls) {
    // Sockets still in their TLS handshake are not counted by `counter` (it sees them once secure):
    // Node's own cap bounds those, silently, since no POP3 reply can be sent before TLS is up.
    server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  }
  server.on("error", (error) => log(`${name}: ${error.message}`, "error"));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log(`${name}: listening on ${options.host ?? "*"}:${port}`);

  return {
    port,
    get connections() {
      return open.size;
    },
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      const sessions = [...open].map((connection) => {
        connection.destroy();
        return connection.done;
      });
      await Promise.all([stopped, ...sessions]);
    },
  };
}
