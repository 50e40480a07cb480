// Dispatches `yubin <area> <verb>` to one module per command and maps its
// errors to a message and an exit code. Every command validates its input,
// prints a clear message and exits non-zero on error, and works whether or not
// `yubin start` is running. main.ts runs it for the `yubin` process; tests of a
// command's logic call it in their own process (tests/support/cli.ts).
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
  trace: async () => (await import("./commands/trace-command.ts")).traceCommand,
  import: async () => (await import("./commands/import-command.ts")).importCommand,
  export: async () => (await import("./commands/export-command.ts")).exportCommand,
  deleted: async () => (await import("./commands/deleted-command.ts")).deletedCommand,
  connector: async () => (await import("./commands/connector-command.ts")).connectorCommand,
  "app-password": async () => (await import("./commands/app-password-command.ts")).appPasswordCommand,
};

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) throw new UsageError(`unknown command "${name}"`);
  return (await load())(rest);
}

/** Runs `yubin ARGV`; resolves to the exit code, having printed any error. */
export async function runYubin(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`yubin: ${e.message}\n\n${usage}`);
      return 2;
    }
    if (e instanceof InputError || e instanceof ConfigError) {
      console.error(`yubin: ${e.message}`);
      return 1;
    }
    console.error("yubin: unexpected error:", e);
    return 1;
  }
}
