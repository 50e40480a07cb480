// npm run chaos — every chaos scenario, one after the other, each in its own
// process, then one table of figures. Not part of `npm test`: the full run
// (10,000 messages in, 5,000 out) takes most of an hour on a small machine.
//
//   npm run chaos                                   all five scenarios, full size
//   npm run chaos -- --messages 500 --outbound-messages 300   a quick run
//   npm run chaos -- inbound-postgres disk-full     only these
//
// Scenarios: inbound-mail, inbound-postgres, inbound-stack (bench/chaos-inbound.ts
// --fault …), outbound (bench/chaos-outbound.ts), disk-full (bench/chaos-disk-full.ts,
// root only). Flags: --messages N (inbound, default 10000), --sessions S (20),
// --outbound-messages N (5000), --kill-every T (seconds between faults, default 5),
// --seed X. CHAOS_MESSAGES, CHAOS_OUTBOUND_MESSAGES, CHAOS_KILL_EVERY work too.
// Exit 1 when any scenario fails.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineInfo } from "./proc-stats.ts";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    messages: { type: "string" },
    sessions: { type: "string" },
    "outbound-messages": { type: "string" },
    "kill-every": { type: "string" },
    seed: { type: "string" },
  },
});

const pass = (name: string, value: string | undefined) => (value === undefined ? [] : [`--${name}`, value]);
const inbound = [
  ...pass("messages", args.messages ?? process.env.CHAOS_MESSAGES ?? "10000"),
  ...pass("sessions", args.sessions),
  ...pass("kill-every", args["kill-every"]),
  ...pass("seed", args.seed),
];
const SCENARIOS: Record<string, { file: string; args: string[] }> = {
  "inbound-mail": { file: "chaos-inbound.ts", args: ["--fault", "mail", ...inbound] },
  "inbound-postgres": { file: "chaos-inbound.ts", args: ["--fault", "postgres", ...inbound] },
  "inbound-stack": { file: "chaos-inbound.ts", args: ["--fault", "stack", ...inbound] },
  outbound: {
    file: "chaos-outbound.ts",
    args: [
      ...pass("messages", args["outbound-messages"] ?? process.env.CHAOS_OUTBOUND_MESSAGES ?? "5000"),
      ...pass("kill-every", args["kill-every"]),
      ...pass("seed", args.seed),
    ],
  },
  "disk-full": { file: "chaos-disk-full.ts", args: [] },
};
const chosen = positionals.length > 0 ? positionals : Object.keys(SCENARIOS);
for (const name of chosen) {
  if (!SCENARIOS[name]) {
    console.error(`chaos: no scenario "${name}" (${Object.keys(SCENARIOS).join(", ")})`);
    process.exit(2);
  }
}

interface Result {
  scenario: string;
  ok: boolean;
  skipped?: string;
  figures: Record<string, string | number | boolean>;
}

function run(name: string): Promise<{ result: Result | null; code: number | null; seconds: number }> {
  const { file, args: scenarioArgs } = SCENARIOS[name] as { file: string; args: string[] };
  const started = performance.now();
  console.log(`\n=== ${name}: tsx bench/${file} ${scenarioArgs.join(" ")}`);
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, file), ...scenarioArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let result: Result | null = null;
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("CHAOS-RESULT ")) result = JSON.parse(line.slice("CHAOS-RESULT ".length)) as Result;
      else console.log(`  ${line}`);
    }
  });
  return new Promise((resolve) =>
    child.once("exit", (code) => resolve({ result, code, seconds: (performance.now() - started) / 1000 })),
  );
}

const rows: string[] = [];
let failed = 0;
for (const name of chosen) {
  const { result, code, seconds } = await run(name);
  const verdict = !result ? `FAIL (exit ${code}, no result)` : result.skipped ? "skipped" : result.ok ? "PASS" : "FAIL";
  if (!result || (!result.ok && !result.skipped) || (code !== 0 && !result.skipped)) failed++;
  const figures = result?.skipped
    ? result.skipped
    : Object.entries(result?.figures ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
  rows.push(`| ${name} | ${verdict} | ${seconds.toFixed(0)} s | ${figures} |`);
}

const machine = machineInfo();
console.log(
  `\nmachine: ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
console.log("| scenario | result | time | figures |\n| --- | --- | --- | --- |");
for (const row of rows) console.log(row);
console.log(failed === 0 ? "chaos: every scenario passed" : `chaos: ${failed} scenario(s) FAILED`);
process.exit(failed === 0 ? 0 : 1);
