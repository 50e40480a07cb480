// The primary side of a multi-process MX (mx-worker.ts): forks the workers,
// waits until each listens, replaces one that dies, and stops them all. It
// also counts the port's connections for all of them (cluster-gate.ts).
import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import type { Log } from "../../server/cluster/error-log.ts";
import { MX_MAX_CONNECTIONS, SMTP_MAX_CONNECTIONS_PER_ADDRESS } from "../../server/limits.ts";
import { serveConnectionGate } from "./cluster-gate.ts";
import { localConnectionGate } from "./connection-gate.ts";
import type { WorkerMessage } from "./mx-worker.ts";

const ENTRY = fileURLToPath(new URL("./mx-worker-entry.mjs", import.meta.url));
/** A worker that dies sooner than this after starting is not restarted in a loop. */
const MIN_LIFETIME_MS = 5_000;

export interface MxCluster {
  port: number;
  healthy(): boolean;
  close(): Promise<void>;
}

export async function startMxCluster(processes: number, log: Log): Promise<MxCluster> {
  cluster.setupPrimary({ exec: ENTRY, args: [], silent: false });
  const workers = new Set<Worker>();
  let stopping = false;
  let port = 0;
  const gate = localConnectionGate({ total: MX_MAX_CONNECTIONS, perAddress: SMTP_MAX_CONNECTIONS_PER_ADDRESS });

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      const startedAt = Date.now();
      workers.add(worker);
      serveConnectionGate(worker, gate);
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "listening") {
          port = message.port;
          resolve(worker);
        } else if (message.type === "failed") {
          reject(new Error(`MX worker failed to start: ${message.error}`));
        }
      });
      worker.on("exit", (code, signal) => {
        workers.delete(worker);
        if (stopping) return;
        reject(new Error(`MX worker exited with ${signal ?? code} before listening`));
        if (Date.now() - startedAt < MIN_LIFETIME_MS) {
          log(
            `smtp: worker ${worker.process.pid} exited with ${signal ?? code} right after starting; not restarting`,
            "error",
          );
          return;
        }
        log(`smtp: worker ${worker.process.pid} exited with ${signal ?? code}; starting another`, "error");
        fork().catch((e: unknown) => log(`smtp: ${(e as Error).message}`, "error"));
      });
    });

  try {
    await Promise.all(Array.from({ length: processes }, fork));
  } catch (e) {
    stopping = true;
    for (const worker of workers) worker.kill();
    throw e;
  }
  return {
    port,
    healthy: () => workers.size === processes,
    close: async () => {
      stopping = true;
      await Promise.all(
        [...workers].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once("exit", () => resolve());
              if (worker.isConnected()) worker.send({ type: "shutdown" });
              else worker.kill();
              // A worker stuck in a long transaction is not waited for forever.
              setTimeout(() => worker.kill("SIGKILL"), 15_000).unref();
            }),
        ),
      );
    },
  };
}
