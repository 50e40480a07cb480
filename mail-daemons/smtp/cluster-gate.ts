// The connection caps of a multi-process MX (mx-cluster.ts): the primary keeps
// the one ConnectionGate for the port and each worker asks it over the cluster's
// IPC channel, one round trip per new connection, so that a client address
// gets SMTP_MAX_CONNECTIONS_PER_ADDRESS connections in all, not that many per
// worker. A worker that dies gives back every connection it held.
import type { Worker } from "node:cluster";
import type { Admission, ConnectionGate } from "./connection-gate.ts";

export type GateRequest =
  | { type: "gate-admit"; id: number; address: string }
  | { type: "gate-release"; address: string };
export type GateReply = { type: "gate-verdict"; id: number; admission: Admission; open: number };

/** In a worker: a gate that asks the primary. */
export function workerConnectionGate(): ConnectionGate {
  const send = process.send?.bind(process);
  if (!send) throw new Error("workerConnectionGate() runs only in a cluster worker");
  const pending = new Map<number, (admission: Admission) => void>();
  let next = 0;
  let open = 0;
  process.on("message", (message: GateReply) => {
    if (message?.type !== "gate-verdict") return;
    open = message.open;
    pending.get(message.id)?.(message.admission);
    pending.delete(message.id);
  });
  const request = (message: GateRequest) => send(message, undefined, undefined, () => {});
  return {
    admit(address) {
      const id = ++next;
      return new Promise<Admission>((resolve) => {
        pending.set(id, resolve);
        request({ type: "gate-admit", id, address });
      });
    },
    release(address) {
      request({ type: "gate-release", address });
    },
    open: () => open,
  };
}

/** In the primary: answers one worker's requests from the shared gate. */
export function serveConnectionGate(worker: Worker, gate: ConnectionGate): void {
  const held = new Map<string, number>();
  worker.on("message", (message: GateRequest) => {
    if (message?.type === "gate-admit") {
      const admission = gate.admit(message.address) as Admission;
      if (admission === "ok") held.set(message.address, (held.get(message.address) ?? 0) + 1);
      const reply: GateReply = { type: "gate-verdict", id: message.id, admission, open: gate.open() };
      if (worker.isConnected()) worker.send(reply);
    } else if (message?.type === "gate-release") {
      const mine = held.get(message.address) ?? 0;
      if (mine === 0) return;
      if (mine === 1) held.delete(message.address);
      else held.set(message.address, mine - 1);
      gate.release(message.address);
    }
  });
  worker.on("exit", () => {
    for (const [address, count] of held) for (let i = 0; i < count; i++) gate.release(address);
    held.clear();
  });
}
