// yubin CLI entry: dispatches `yubin <area> <verb>` to one module per command.
// Every command validates its input, prints a clear message and exits non-zero
// on error, and works whether or not `yubin start` is running.
import { ConfigError } from "../server/env.ts";
import { InputError } from "../server/errors.ts";
import { UsageError, usage } from "./parse.ts";

type Command = (args: string[]) => Promise<number>;

// Loaded on demand: `yubin start` pulls in Next.js and every daemon, which a
// `yubin user add` must not pay for (it is run from scripts and tests many times).
const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import("./commands/start-command.ts")).startCommand,
  user: async () => (await import("./commands/user-command.ts")).userCommand,
  domain: async () => (await import("./commands/domain-command.ts")).domainCommand,
  mailbox: async () => (await import("./commands/mailbox-command.ts")).mailboxCommand,
  status: async () => (await import("./commands/status-command.ts")).statusCommand,
  queue: async () => (await import("./commands/queue-command.ts")).queueCommand,
  "app-password": async () => (await import("./commands/app-password-command.ts")).appPasswordCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) throw new UsageError(`unknown command "${name}"`);
  return (await load())(rest);
}

// When whoever reads our output goes away (a closed terminal, a dead
// supervisor, a killed test runner), writes fail with EPIPE. Unhandled, that
// error reaches Next.js's uncaughtException logger, which writes to the same
// broken pipe: a loop that burns a core and wedges shutdown. Lost log lines
// are all we lose, so the errors are dropped and the server keeps serving.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`yubin: ${e.message}\n\n${usage}`);
    process.exitCode = 2;
  } else if (e instanceof InputError || e instanceof ConfigError) {
    console.error(`yubin: ${e.message}`);
    process.exitCode = 1;
  } else {
    console.error("yubin: unexpected error:", e);
    process.exitCode = 1;
  }
}
