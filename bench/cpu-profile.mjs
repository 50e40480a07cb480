// Preload for profiling a server under a benchmark's load, since --cpu-prof is
// not allowed in NODE_OPTIONS:
//   BENCH_YUBIN_NODE_OPTIONS="--import ./bench/cpu-profile.mjs" BENCH_CPU_PROFILE_DIR=/tmp/prof npm run bench:smtp
// Writes one .cpuprofile (Chrome DevTools / speedscope format) when the process exits.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROFILE_DIR ?? ".";
const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 200 });
session.post("Profiler.start");
process.on("exit", () => {
  // Same-thread inspector sessions answer synchronously, so this works in "exit".
  session.post("Profiler.stop", (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `yubin-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
