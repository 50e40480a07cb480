// Child process for the idle-memory test: a POP3 server (plaintext with
// STLS, and implicit TLS) over the memory backend, run with --expose-gc so
// that heap and native memory can be measured after a full collection.
// Prints {"ports":…} once listening, and a memory sample for every line read
// on stdin.
import { createInterface } from "node:readline";
import { MemoryBackend } from "../../../../mail-daemons/pop3/memory-backend.ts";
import { startPop3Server } from "../../../../mail-daemons/pop3/pop3-server.ts";
import { loadTlsCredentials } from "../../../../mail-daemons/shared/tls.ts";
import { plainMessage } from "./messages.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const backend = new MemoryBackend();
for (let i = 0; i < 1000; i++) {
  const address = `user${i}@example.com`;
  backend.addMailbox(address, { onDelete: "delete" });
  backend.addLogin(address, "pass word", address);
  for (let m = 0; m < 20; m++) backend.deliver(address, plainMessage(`m${m}`));
}
const tls = await loadTlsCredentials({ dataDir: process.argv[2] as string, hostname: "localhost" });
// Every session comes from 127.0.0.1: the per-address cap must not be what is measured.
const common = {
  port: 0,
  host: "127.0.0.1",
  hostname: "localhost",
  tls,
  backend,
  log: () => {},
  maxConnectionsPerAddress: 10_000,
};
const plain = await startPop3Server({ ...common, implicitTls: false });
const implicit = await startPop3Server({ ...common, implicitTls: true });
console.log(JSON.stringify({ ports: [plain.port, implicit.port], cert: tls.cert.toString() }));

for await (const _ of createInterface({ input: process.stdin })) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const usage = process.memoryUsage();
  console.log(
    JSON.stringify({
      rss: usage.rss,
      heap: usage.heapUsed,
      external: usage.external,
      sessions: plain.connections + implicit.connections,
    }),
  );
}
