// The messages of the chaos runs (bench/chaos-*.ts): message i is made from
// its own seed, so it can be made again (to send it again, or to compare it
// with what was stored) without holding 10,000 of them in memory.
import { createHash } from "node:crypto";
import { seededRandom } from "../tests/support/seeded-random.ts";

const WORDS = ["請求書", "invoice", "再発行", "order", "お願い", "shipping", "Lorem", "ipsum", "ｶﾀｶﾅ", "①"];

/** 1–100 KiB of 8-bit text (Japanese and ASCII) with a Message-ID of `<${tag}-${i}@customer.example>`. */
export function chaosMessage(tag: string, seed: number, i: number, to = "support@example.com"): Buffer {
  const next = seededRandom(seed * 1_000_003 + i);
  const target = 1024 + Math.floor(next() * 99 * 1024);
  const head = [
    `From: Customer ${i} <c${i}@customer.example>`,
    `To: ${to}`,
    `Subject: Chaos ${i}`,
    `Message-ID: <${tag}-${i}@customer.example>`,
    "Date: Fri, 04 Dec 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "",
  ].join("\r\n");
  const lines: string[] = [];
  let size = Buffer.byteLength(head);
  while (size < target) {
    const words = Array.from({ length: 8 }, () => WORDS[Math.floor(next() * WORDS.length)]);
    // No line starts with ".": the client sends bytes as they are, without dot-stuffing.
    const line = `${i}: ${words.join(" ")}`;
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  return Buffer.from(`${head}${lines.join("\r\n")}\r\n`);
}

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The last line of every chaos scenario: one JSON object that `npm run chaos` reads for its table. */
export function printResult(result: {
  scenario: string;
  ok: boolean;
  skipped?: string;
  figures: Record<string, string | number | boolean>;
}): void {
  console.log(`CHAOS-RESULT ${JSON.stringify(result)}`);
}

/** A number from `--flag`, else `CHAOS_<NAME>` in the environment, else the default. */
export function numberOption(value: string | undefined, envName: string, fallback: number): number {
  const raw = value ?? process.env[envName];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${envName}: not a positive number: ${raw}`);
  return n;
}
