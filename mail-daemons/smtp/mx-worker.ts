// One process of the inbound MX when YUBIN_SMTP_PROCESSES > 1. Node's cluster
// module shares the listening socket: the primary (the `yubin start` process)
// accepts connections and hands them to workers in turn, so SMTP parsing,
// MIME parsing and mail authentication use every core. A worker exits as
// soon as its primary is gone (cluster's own rule on IPC disconnect).
import cluster from "node:cluster";
import { logError } from "../../server/cluster/error-log.ts";
import { loadEnv } from "../../server/env.ts";
import { closeDatabaseConnections } from "../../server/lifecycle/close-connections.ts";
import { flushProcessTraces, processTraceSink } from "../../server/trace/trace-writer.ts";
import { loadTlsCredentials } from "../shared/tls.ts";
import { workerConnectionGate } from "./cluster-gate.ts";
import { startMxServer } from "./mx-server.ts";
import { mxStoreBackend } from "./mx-store-backend.ts";

export type WorkerMessage = { type: "listening"; port: number } | { type: "failed"; error: string };

if (!cluster.isWorker) throw new Error("mx-worker.ts runs only as a cluster worker of the mail role");

const send = (message: WorkerMessage) => process.send?.(message);

// Ctrl-C reaches the whole process group; the primary decides when workers
// stop (it finishes its own shutdown in order and then tells them).
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

try {
  const env = loadEnv();
  const tls = await loadTlsCredentials({
    certPath: env.YUBIN_TLS_CERT,
    keyPath: env.YUBIN_TLS_KEY,
    dataDir: env.dataDir,
    hostname: env.YUBIN_HOSTNAME,
  });
  const mx = await startMxServer({
    port: env.YUBIN_SMTP_PORT,
    host: env.YUBIN_BIND_ADDRESS,
    hostname: env.YUBIN_HOSTNAME,
    tls,
    backend: mxStoreBackend,
    dnsServers: env.YUBIN_DNS_SERVERS?.split(/[\s,]+/).filter(Boolean),
    // The caps are the port's, counted by the primary.
    connections: { gate: workerConnectionGate() },
    trace: processTraceSink((line, level) => {
      console.log(`smtp[${process.pid}]: ${line}`);
      if (level === "error") logError(`smtp: ${line}`);
    }),
    log: (line, level) => {
      console.log(`smtp[${process.pid}]: ${line}`);
      if (level === "error") logError(`smtp: ${line}`);
    },
  });
  process.on("message", (message: { type?: string }) => {
    if (message.type !== "shutdown") return;
    mx.close()
      .then(() => flushProcessTraces())
      .then(() => closeDatabaseConnections())
      .finally(() => process.exit(0));
  });
  send({ type: "listening", port: mx.port });
} catch (e) {
  send({ type: "failed", error: (e as Error).message });
  process.exit(1);
}
