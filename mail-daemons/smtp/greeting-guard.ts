// How an SMTP connection starts: the connection caps, the early-talker check
// and the 220 greeting, for every listener built on smtp-server.
//
// smtp-server 3.21.6 greets 100 ms after accepting a connection
// (SMTPConnection#init: `setTimeout(() => this.connectionReady(), 100)`) so
// that a client talking before the greeting is caught ("421 You talk too
// soon"). An MX mostly sees a new connection per message, and there that
// pause caps each sending connection at ~10 messages/s (TOOLCHAIN.md,
// docs/benchmarks.md). This module gives each connection, before smtp-server
// calls its init(), an init() that
//
//  1. asks the listener's ConnectionGate whether one more connection may
//     start, and answers `421 4.7.0` and closes when not;
//  2. greets after one more pass of the event loop's I/O phase instead of
//     after 100 ms: bytes a client sends right after connecting — what a bot
//     that does not wait for the greeting sends — have been read by then, so
//     the early talker is still refused (smtp-server's parser refuses a whole
//     command line that arrives before the greeting; a partial line is
//     refused here). This is Exim's check for input pending at banner time;
//     what it no longer catches is a client that sleeps a few milliseconds
//     before talking blind;
//  3. otherwise runs smtp-server's own connectionReady() (onConnect, the
//     greeting) as init() would have.
//
// The idle timeout is smtp-server's socketTimeout option, read each time a
// socket's timer is armed; it shrinks while the listener is busy.
//
// This reaches into smtp-server internals: init() exactly as quoted in
// INIT_3_21_6, and _setListeners(callback), connectionReady(), send(),
// _parser._remainder, _closing, _closed. At import the installed init() is
// compared with that text; any difference throws, so an upgrade that changes
// it fails at start (and in tests/protocol/smtp-connections.test.ts) instead
// of silently dropping the caps or the early-talker check. Review this file
// against the new init() and update INIT_3_21_6 then.
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type { SMTPServer } from "smtp-server";
import { SMTPConnection } from "smtp-server/lib/smtp-connection.js";
import type { Log } from "../../server/cluster/error-log.ts";
import { SMTP_BUSY_SHARE } from "../../server/limits.ts";
import { type Admission, type ConnectionGate, localConnectionGate } from "./connection-gate.ts";

const INIT_3_21_6 = `init() {
    this._setListeners(() => {
        if (this._server.options.maxClients && this._server.connections.size > this._server.options.maxClients) {
            return this.send(421, this.name + ' Too many connected clients, try again in a moment', false);
        }
        let readyTimer = setTimeout(() => this.connectionReady(), 100);
        readyTimer.unref();
    });
}`;

const code = (source: string) => source.replace(/\/\/[^\n]*/g, "").replace(/\s+/g, "");

/** Throws unless smtp-server's SMTPConnection is the code this module was written against. */
export function checkSmtpServerInternals(init: unknown = SMTPConnection.prototype.init): void {
  const version = (createRequire(import.meta.url)("smtp-server/package.json") as { version: string }).version;
  const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
  const missing = ["_setListeners", "connectionReady", "send", "close"].filter((m) => typeof proto[m] !== "function");
  if (typeof init !== "function" || code(init.toString()) !== code(INIT_3_21_6) || missing.length > 0) {
    throw new Error(
      `smtp-server ${version}: SMTPConnection#init is not the code mail-daemons/smtp/greeting-guard.ts replaces` +
        (missing.length ? ` (missing ${missing.join(", ")})` : "") +
        "; review that module against the installed smtp-server before starting the SMTP listeners",
    );
  }
}
checkSmtpServerInternals();

/** The parts of SMTPConnection this module touches. */
interface Connection {
  init(): void;
  _setListeners(callback: () => void): void;
  connectionReady(): void;
  send(code: number, data?: string, context?: string | false): void;
  close(): void;
  _socket: Socket;
  _parser: { _remainder: string } | false;
  _closing: boolean;
  _closed: boolean;
  remoteAddress: string;
  name: string;
}

/** A listener's caps; tests pass small ones, the listeners default to server/limits.ts. */
export interface ConnectionLimits {
  /** Total open connections (also smtp-server's maxClients, which bounds sockets still in a TLS handshake). */
  maxConnections: number;
  maxPerAddress: number;
  idleTimeoutMs: number;
  /** Used instead while open connections are at SMTP_BUSY_SHARE of maxConnections or more. */
  busyIdleTimeoutMs: number;
  /** Counting shared with other processes (an MX cluster's workers); else the listener counts alone. */
  gate?: ConnectionGate;
}

// RFC 5321 §3.8 / §4.2.2: 421 closes the channel; RFC 3463 X.7.0 for a policy refusal.
const REFUSALS: Record<Exclude<Admission, "ok">, string> = {
  total: "4.7.0 Too many connections, try again later",
  address: "4.7.0 Too many connections from your address, try again later",
};

/** Applies the caps, the idle timeouts and the prompt greeting to every connection of `server`. */
export function guardGreeting(server: SMTPServer, limits: ConnectionLimits, log: Log): void {
  const gate = limits.gate ?? localConnectionGate({ total: limits.maxConnections, perAddress: limits.maxPerAddress });
  const serverOptions = server.options as { maxClients?: number; socketTimeout?: number };
  serverOptions.maxClients = limits.maxConnections;
  const isBusy = () => gate.open() >= SMTP_BUSY_SHARE * limits.maxConnections;
  // smtp-server reads this whenever it arms a socket's idle timer.
  Object.defineProperty(serverOptions, "socketTimeout", {
    configurable: true,
    enumerable: true,
    get: () => (isBusy() ? limits.busyIdleTimeoutMs : limits.idleTimeoutMs),
  });
  const connections = server.connections as unknown as Set<Connection>;
  let busy = false;
  // Sockets armed before the listener got busy keep their long timer unless shortened here.
  const onAdmitted = () => {
    if (busy === isBusy()) return;
    busy = !busy;
    if (busy) for (const connection of connections) connection._socket.setTimeout(limits.busyIdleTimeoutMs);
  };

  const add = connections.add.bind(connections);
  connections.add = (connection) => {
    connection.init = () => start(connection, gate, log, onAdmitted);
    return add(connection);
  };
}

function start(connection: Connection, gate: ConnectionGate, log: Log, onAdmitted: () => void): void {
  connection._setListeners(() => {
    const address = connection.remoteAddress;
    const socket = connection._socket;
    const admitted = (admission: Admission) => {
      if (admission !== "ok") {
        log(`refused a connection from ${address}: ${REFUSALS[admission]}`);
        // 421 makes smtp-server close the connection after the reply.
        connection.send(421, REFUSALS[admission], false);
        return;
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        gate.release(address);
      };
      if (socket.destroyed || connection._closed) {
        release();
        return;
      }
      socket.once("close", release);
      onAdmitted();
      // setImmediate from here runs after this turn's I/O; the second one after the next turn's.
      setImmediate(() => setImmediate(() => greet(connection)));
    };
    const admission = gate.admit(address);
    if (typeof admission === "string") admitted(admission);
    else
      admission.then(admitted, (error: unknown) => {
        log(`connection gate failed: ${String(error)}`, "error");
        connection.send(421, "4.3.0 Temporary failure, try again later", false);
      });
  });
}

function greet(connection: Connection): void {
  // smtp-server has already answered "421 … You talk too soon" to a whole line.
  if (connection._closing || connection._closed) return;
  if (connection._parser && connection._parser._remainder.length > 0) {
    connection.send(421, `${connection.name} You talk too soon`, false);
    return;
  }
  connection.connectionReady();
}
