// yubin CLI entry: dispatches `yubin <area> <verb>` to one module per command.
// Every command validates its input, prints a clear message and exits non-zero
// on error, and works whether or not `yubin start` is running.
import { ConfigError } from "../env.ts";
import { InputError } from "../errors.ts";
import { appPasswordCommand } from "./app-password-command.ts";
import { domainCommand } from "./domain-command.ts";
import { mailboxCommand } from "./mailbox-command.ts";
import { UsageError, usage } from "./parse.ts";
import { queueCommand } from "./queue-command.ts";
import { startCommand } from "./start-command.ts";
import { statusCommand } from "./status-command.ts";
import { userCommand } from "./user-command.ts";

const commands: Record<string, (args: string[]) => Promise<number>> = {
  start: startCommand,
  user: userCommand,
  domain: domainCommand,
  mailbox: mailboxCommand,
  status: statusCommand,
  queue: queueCommand,
  "app-password": appPasswordCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command(rest);
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
