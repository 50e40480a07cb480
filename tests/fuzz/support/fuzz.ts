// Shared settings for the property-based fuzz tests (tests/fuzz/).
//
// `npm test` runs every property with a fixed seed and a modest number of
// runs, so a run is reproducible and each file stays well under 20 s.
// `npm run fuzz` runs the same files with many more runs and a fresh seed
// (YUBIN_TEST_FUZZ_RUNS, YUBIN_TEST_FUZZ_SEED: the suite's own knobs, which
// the global setup lets through). A failure names its seed and path, and the
// command that replays it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";

/** The seed `npm test` uses; any fixed number would do. */
export const DEFAULT_SEED = 17_2026;

const seed = Number(process.env.YUBIN_TEST_FUZZ_SEED ?? DEFAULT_SEED);
const multiplier = Number(process.env.YUBIN_TEST_FUZZ_RUNS ?? 1);

/**
 * fast-check parameters for one property: `runs` is what `npm test` runs;
 * `npm run fuzz` multiplies it.
 */
export function fuzzParameters<T>(runs: number, examples: T[] = []): fc.Parameters<T> {
  return {
    seed,
    numRuns: Math.max(1, Math.round(runs * (Number.isFinite(multiplier) && multiplier > 0 ? multiplier : 1))),
    examples,
    // Shrinking a big input can take long; past this budget the run stops
    // and reports the smallest counterexample found so far.
    interruptAfterTimeLimit: Number(process.env.YUBIN_TEST_FUZZ_TIME_LIMIT_MS ?? 15_000),
    markInterruptAsFailure: false,
    endOnFailure: process.env.YUBIN_TEST_FUZZ_END_ON_FAILURE === "1",
    // On failure fast-check reports the seed, the path and the counterexample;
    // this adds how to replay it.
    reporter: (details) => {
      if (!details.failed) return;
      const hint =
        `\nReplay: YUBIN_TEST_FUZZ_SEED=${details.seed} YUBIN_TEST_FUZZ_RUNS=${multiplier} npx vitest run <this file>` +
        ` (fast-check seed ${details.seed}, path "${details.counterexamplePath ?? ""}")`;
      throw new Error(`${fc.defaultReportMessage(details)}${hint}`);
    },
  };
}

/** Same for asynchronous properties. */
export function asyncFuzzParameters<T>(runs: number, examples: T[] = []): fc.Parameters<T> {
  const parameters = fuzzParameters(runs, examples);
  return {
    ...parameters,
    reporter: undefined,
    asyncReporter: async (details) => parameters.reporter?.(details),
  };
}

const CORPUS = path.join(import.meta.dirname, "..", "corpus");

/** Every file of one corpus folder (tests/fuzz/corpus/NAME/), as bytes, sorted by name. */
export function corpusFiles(name: string): { file: string; bytes: Buffer }[] {
  const folder = path.join(CORPUS, name);
  return readdirSync(folder)
    .filter((file) => !file.startsWith("."))
    .sort()
    .map((file) => ({ file, bytes: readFileSync(path.join(folder, file)) }));
}

/**
 * The lines of a corpus text file: one input per line, "#" lines are
 * comments, and \r \n \t \0 \xHH \uHHHH escapes write what a line cannot hold.
 */
export function corpusLines(name: string, file: string): string[] {
  return readFileSync(path.join(CORPUS, name, file), "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map(unescapeLine);
}

function unescapeLine(line: string): string {
  return line.replace(/\\(r|n|t|0|\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g, (_, code: string) => {
    if (code === "r") return "\r";
    if (code === "n") return "\n";
    if (code === "t") return "\t";
    if (code === "0") return "\0";
    if (code === "\\") return "\\";
    return String.fromCharCode(Number.parseInt(code.slice(1), 16));
  });
}

/**
 * The bound on one call of a parser over a small input. Generous: a shared
 * CI machine under load (a load average of 19 on 2 cores was seen) stalls a
 * sub-millisecond call for hundreds of milliseconds; what this catches is
 * super-linear blow-up (backtracking, quadratic loops), which takes seconds.
 */
export const BOUNDED_MS = 2_000;

/** Milliseconds `work` took; for "answered in bounded time" checks. */
export async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** A rough size of a result in characters: its JSON length, for "bounded memory" checks (output no bigger than a fixed multiple of the input). */
export function resultSize(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}
