// What commands need to know about the server they run in, as opposed to
// the session: its name, what it offers, how it logs.

import type { Log } from "../../server/cluster/error-log.ts";
import type { ImapBackend, Principal } from "./backend.ts";

export interface ServerContext {
  hostname: string;
  backend: ImapBackend<Principal>;
  log: Log;
  /** Whether STARTTLS can be offered (the listener is not already TLS). */
  tlsAvailable: boolean;
  /** Clients on loopback may LOGIN without TLS (tests, a local webmail). */
  allowPlaintextLoginFromLoopback: boolean;
  /** server/limits.ts IMAP_PREAUTH_IDLE_TIMEOUT_MS and IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS, unless a test lowers them. */
  preauthIdleTimeoutMs: number;
  authenticatedIdleTimeoutMs: number;
  /** Admits one more session of this user (RFC-less; server/limits.ts IMAP_MAX_CONNECTIONS_PER_USER); returns the release. */
  admitUser(userKey: string): (() => void) | null;
}
