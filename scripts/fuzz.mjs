#!/usr/bin/env node
// `npm run fuzz [-- --runs 50 --seed N tests/fuzz/x.test.ts]`: the property
// tests under tests/fuzz/ with many more runs than `npm test` gives them and
// a fresh seed each time (printed first, and by any failure, to replay it).
// Not part of `npm test`.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const [, value] = args.splice(at, 2);
  return value;
};
const runs = option("runs", "40");
const seed = option("seed", String(randomInt(1, 2 ** 31 - 1)));
const files = args.length > 0 ? args : ["tests/fuzz/"];

console.log(`fuzz: seed ${seed}, ${runs}× the runs of npm test, ${files.join(" ")}`);
const result = spawnSync("npx", ["vitest", "run", "--testTimeout=1800000", ...files], {
  stdio: "inherit",
  env: {
    ...process.env,
    YUBIN_TEST_FUZZ_SEED: seed,
    YUBIN_TEST_FUZZ_RUNS: runs,
    // No time box on a property: a long fuzz run is meant to run.
    YUBIN_TEST_FUZZ_TIME_LIMIT_MS: "1800000",
    YUBIN_TEST_SKIP_WEB_BUILD: process.env.YUBIN_TEST_SKIP_WEB_BUILD ?? "1",
  },
});
console.log(`fuzz: seed ${seed} (replay: npm run fuzz -- --seed ${seed} --runs ${runs})`);
process.exit(result.status ?? 1);
