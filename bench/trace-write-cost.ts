// What writing the message trace costs per record, in the two processes that pay it:
// Node (serialising the record, the statement) and PostgreSQL (the rows and their
// indexes), batches of 32 as bench:smtp's MX writes them at ~160 msg/s (one insert
// per 200 ms), on a fresh embedded PostgreSQL; then the same without any
// secondary index, to show what they cost.
// Usage: npm run bench:trace-write
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { closeSqlPool } from "../server/db/raw-sql.ts";
import { insertSerializedTraces, serializeTrace } from "../server/trace/insert-traces.ts";
import type { TraceRecord } from "../server/trace/trace-record.ts";

const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-trace-cost-"));
chmodSync(scratch, 0o711);
const pgServer = await startEmbeddedPostgres(path.join(scratch, "pg"));
process.env.DATABASE_URL = pgServer.url;
await applyMigrations(pgServer.url);
const client = new pg.Client({ connectionString: pgServer.url });
await client.connect();
const record = (i: number): TraceRecord =>
  ({
    kind: "mx",
    result: "delivered",
    startedAt: new Date(Date.now() - 50),
    endedAt: new Date(),
    sessionId: `abc${i}.1`,
    clientAddress: "127.0.0.1",
    clientName: null,
    helo: "client.example",
    tlsVersion: null,
    tlsCipher: null,
    authUser: null,
    mailFrom: `sender${i % 50}@customer${i % 12}.example`,
    recipients: [{ address: "support@example.com", code: 250, reply: "250 2.1.5 Accepted" }],
    size: 10240,
    reply: { code: 250, text: "250 2.0.0 Message accepted for delivery" },
    auth: {
      spf: "none",
      dkim: "none",
      dmarc: "none",
      arc: "none",
      dkimDomains: [],
      dmarcPolicy: null,
      fromDomain: "customer.example",
    },
    messageIdHeader: `<${i}.${Math.random()}@customer.example>`,
    subject: `お問い合わせ Invoice question number ${i} about the order`,
    messageIds: [i],
    conversationIds: [i],
    steps: [
      { at: -40, command: "EHLO client.example", reply: "250 hello" },
      { at: 0, command: "MAIL FROM:<a@b>", reply: "250 ok" },
      { at: 2, command: "RCPT TO:<support@example.com>", reply: "250 ok" },
      { at: 3, command: "DATA", reply: "354" },
      { at: 20, reply: "250 2.0.0 ok" },
    ],
  }) as unknown as TraceRecord;
function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}
function pgTreeCpu(): number {
  // all postgres processes of this cluster: children of the postmaster
  const pm = Number(readFileSync(path.join(scratch, "pg", "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  const pids = readFileSync(`/proc/${pm}/task/${pm}/children`, "utf8").trim().split(/\s+/).map(Number);
  return [pm, ...pids].reduce((s, p) => {
    try {
      return s + procCpu(p);
    } catch {
      return s;
    }
  }, 0);
}
async function run(label: string, n: number, batch: number) {
  const recs = Array.from({ length: n }, (_, i) => record(i));
  const c0 = process.cpuUsage();
  const p0 = pgTreeCpu();
  const t0 = Date.now();
  for (let i = 0; i < n; i += batch) await insertSerializedTraces(recs.slice(i, i + batch).map(serializeTrace));
  const node = process.cpuUsage(c0);
  const pgc = pgTreeCpu() - p0;
  const ms = Date.now() - t0;
  console.log(
    `${label}: ${n} records, batch ${batch}: wall ${(ms / n).toFixed(3)} ms/rec, node ${((node.user + node.system) / 1000 / n).toFixed(3)} ms/rec, postgres ${((pgc * 1000) / n).toFixed(3)} ms/rec`,
  );
}
await run("warm", 2000, 32);
await run("with indexes", 6000, 32);
await client.query(
  `drop index "MessageTrace_startedAt_id_subject_sql"; drop index "MessageTrace_mailFrom_startedAt_idx"; drop index "MessageTrace_messageIdHeader_idx"; drop index "MessageTrace_clientAddress_startedAt_idx"; drop index "MessageTrace_result_startedAt_idx"; drop index "MessageTraceRecipient_address_startedAt_idx"`,
);
await run("no secondary indexes", 6000, 32);
await client.end();
await closeSqlPool();
await pgServer.stop();
rmSync(scratch, { recursive: true, force: true });
