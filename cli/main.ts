// yubin CLI entry (bin/yubin runs it): the `yubin` process around runYubin.
import { runYubin } from "./run.ts";

// When whoever reads our output goes away (a closed terminal, a dead
// supervisor, a killed test runner), writes fail with EPIPE. Unhandled, that
// error reaches Next.js's uncaughtException logger, which writes to the same
// broken pipe: a loop that burns a core and wedges shutdown. Lost log lines
// are all we lose, so the errors are dropped and the server keeps serving.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

process.exitCode = await runYubin(process.argv.slice(2));
