// The connectors' runner in a `mail` process: every few seconds it takes up
// the connectors nobody holds (server/connectors/connector-lease.ts) and runs
// each one (run-connector.ts) until it is paused, removed, taken over or the
// process stops. With several mail processes each connector is run by
// exactly one of them; when that one dies, its leases run out and the others
// take its connectors up. On shutdown every lease is given back at once.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { claimConnectors, releaseConnector } from "../../server/connectors/connector-lease.ts";
import { runConnector } from "../../server/connectors/run-connector.ts";

export const CONNECTOR_CLAIM_MS = 5_000;

export interface ConnectorRunnerOptions {
  dataDir: string;
  log: (line: string) => void;
  owner?: string;
  claimEveryMs?: number;
  pollMs?: number;
  leaseMs?: number;
  backoffMinMs?: number;
  batchSize?: number;
}

export interface ConnectorRunner {
  owner: string;
  /** The connectors this process runs now. */
  running(): number[];
  /** Look for connectors to take up now rather than at the next tick. */
  wake(): void;
  /** Stops every run and gives the leases back. */
  stop(): Promise<void>;
  /** Stops as a process that dies does: the leases are left to run out (tests of the takeover). */
  abandon(): Promise<void>;
}

export function startConnectorRunner(options: ConnectorRunnerOptions): ConnectorRunner {
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const runs = new Map<number, { abort: AbortController; done: Promise<void> }>();
  let stopped = false;
  let release = true;
  let timer: NodeJS.Timeout | undefined;
  let claiming: Promise<void> = Promise.resolve();

  const claim = async () => {
    const ids = await claimConnectors({ owner, holding: [...runs.keys()], leaseMs: options.leaseMs });
    for (const id of ids) {
      if (stopped || runs.has(id)) continue;
      const abort = new AbortController();
      const done = runConnector(id, {
        owner,
        dataDir: options.dataDir,
        signal: abort.signal,
        pollMs: options.pollMs,
        leaseMs: options.leaseMs,
        backoffMinMs: options.backoffMinMs,
        batchSize: options.batchSize,
        log: options.log,
      })
        .catch((e: unknown) => options.log(`connector ${id}: ${(e as Error).message}`))
        .then(() => (release ? releaseConnector({ id, owner }).catch(() => {}) : undefined))
        .finally(() => runs.delete(id));
      runs.set(id, { abort, done });
    }
  };
  const tick = () => {
    if (stopped) return;
    claiming = claim()
      .catch((e: unknown) => options.log(`connectors: ${(e as Error).message}`))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, options.claimEveryMs ?? CONNECTOR_CLAIM_MS);
        timer.unref();
      });
  };
  tick();
  return {
    owner,
    running: () => [...runs.keys()],
    wake: () => {
      if (!stopped) claim().catch((e: unknown) => options.log(`connectors: ${(e as Error).message}`));
    },
    abandon: async () => {
      release = false;
      await stop();
    },
    stop: () => stop(),
  };

  async function stop() {
    stopped = true;
    clearTimeout(timer);
    await claiming;
    for (const run of runs.values()) run.abort.abort();
    await Promise.all([...runs.values()].map((r) => r.done));
  }
}
