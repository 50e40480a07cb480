// What the quota check costs a delivery: the same 10 KiB messages stored
// through the one write path (storeMessage, as the MX calls it) into a
// mailbox without limits and into one with a storage and a message limit it
// never reaches, in back-to-back pairs so that both see the same load on a
// shared machine. With a limit, the write locks the folder and the mailbox
// rows and evaluates yubin_quota_fits (write-message.ts); without, it takes
// neither. Reports the median per-delivery wall time of each, the median of
// the paired differences, and the load average. Prints figures, never fails on a time.
//
// Usage: npm run bench:quota -- [--rounds 7] [--messages 300]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "../server/db/embedded.ts";
import { applyMigrations } from "../server/db/migrate.ts";
import { closeSqlPool } from "../server/db/raw-sql.ts";
import { disconnectDb } from "../server/db.ts";
import { addDomain } from "../server/domains/add-domain.ts";
import { storeMessage } from "../server/mail-store/store-message.ts";
import { createMailbox } from "../server/mailboxes/create-mailbox.ts";
import { setQuotaLimits } from "../server/quotas/set-quota-limits.ts";
import { benchMessage } from "./mail-corpus.ts";

const { values } = parseArgs({ options: { rounds: { type: "string" }, messages: { type: "string" } } });
const rounds = Number(values.rounds ?? 7);
const perRound = Number(values.messages ?? 300);

const loadBefore = os.loadavg();
const scratch = mkdtempSync(path.join(os.tmpdir(), "yubin-bench-quota-"));
execFileSync("chmod", ["0711", scratch]);
const postgres = await startEmbeddedPostgres(path.join(scratch, "pg"));
try {
  await applyMigrations(postgres.url);
  process.env.DATABASE_URL = postgres.url;
  await addDomain({ name: "example.com", actorId: null });
  const open = await createMailbox({ address: "open@example.com", kind: "shared", actorId: null });
  const limited = await createMailbox({ address: "limited@example.com", kind: "shared", actorId: null });
  await setQuotaLimits({
    address: "limited@example.com",
    quotaBytes: 1024 ** 4,
    quotaMessages: 1_000_000_000,
    actorId: null,
  });

  let sequence = 0;
  const message = (to: string) => benchMessage("quota", ++sequence, 10 * 1024, to).data;
  /** Wall time of one delivery, in ms. */
  async function deliverOne(mailboxId: number, raw: Buffer): Promise<number> {
    const start = process.hrtime.bigint();
    const [outcome] = await storeMessage({ raw, mailboxIds: [mailboxId], direction: "inbound" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (outcome?.outcome !== "stored") throw new Error(`not stored: ${outcome?.outcome}`);
    return ms;
  }

  // Pairs of deliveries, one into each mailbox back to back (which goes first alternating), so
  // that the load other users put on the machine falls on both alike; the median of the
  // per-pair differences is the check's cost, the medians of each side beside it.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const without: number[] = [];
  const withQuota: number[] = [];
  const diffs: number[] = [];
  const roundMedians: string[] = [];
  for (let r = -1; r < rounds; r++) {
    const roundDiffs: number[] = [];
    for (let i = 0; i < perRound; i++) {
      const a = message("open@example.com");
      const b = message("limited@example.com");
      let plain: number;
      let limit: number;
      if (i % 2 === 0) {
        plain = await deliverOne(open.id, a);
        limit = await deliverOne(limited.id, b);
      } else {
        limit = await deliverOne(limited.id, b);
        plain = await deliverOne(open.id, a);
      }
      // Round -1 warms both paths up (prepared statements, caches) and is not counted.
      if (r < 0) continue;
      without.push(plain);
      withQuota.push(limit);
      diffs.push(limit - plain);
      roundDiffs.push(limit - plain);
    }
    if (r >= 0) roundMedians.push(median(roundDiffs).toFixed(3));
  }
  const loadAfter = os.loadavg();
  console.log(`bench:quota — ${rounds} rounds of ${perRound} pairs of 10 KiB deliveries (storeMessage), one at a time`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}`);
  console.log(`load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`load average after:  ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`without a quota, ms per delivery: median ${median(without).toFixed(3)}`);
  console.log(`with a quota,    ms per delivery: median ${median(withQuota).toFixed(3)}`);
  console.log(
    `quota check adds, ms per delivery: median of ${diffs.length} paired differences ${median(diffs).toFixed(3)} (per round: ${roundMedians.join(" ")})`,
  );
} finally {
  await closeSqlPool();
  await disconnectDb();
  await postgres.stop();
  rmSync(scratch, { recursive: true, force: true });
}
