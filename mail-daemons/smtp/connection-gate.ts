// Counts a listener's open connections, in total and per client address, and
// says whether one more may start (server/limits.ts: MX_MAX_CONNECTIONS,
// SUBMISSION_MAX_CONNECTIONS, SMTP_MAX_CONNECTIONS_PER_ADDRESS). One gate per
// listener; an MX cluster's workers share the primary's (cluster-gate.ts), so
// the caps hold for the port, not for each process.

/** "total": the listener is full; "address": this client address has its share. */
export type Admission = "ok" | "total" | "address";

export interface ConnectionCaps {
  total: number;
  perAddress: number;
}

export interface ConnectionGate {
  /** Counts the connection if it may start; a refused one is not counted (do not release it). */
  admit(address: string): Admission | Promise<Admission>;
  /** Once per admitted connection, when it ends. */
  release(address: string): void;
  /** Open connections as last known (for the busy idle timeout). */
  open(): number;
}

export function localConnectionGate(caps: ConnectionCaps): ConnectionGate {
  const perAddress = new Map<string, number>();
  let open = 0;
  return {
    admit(address) {
      if (open >= caps.total) return "total";
      const mine = perAddress.get(address) ?? 0;
      if (mine >= caps.perAddress) return "address";
      perAddress.set(address, mine + 1);
      open++;
      return "ok";
    },
    release(address) {
      const mine = perAddress.get(address) ?? 0;
      if (mine <= 1) perAddress.delete(address);
      else perAddress.set(address, mine - 1);
      if (mine > 0) open--;
    },
    open: () => open,
  };
}
