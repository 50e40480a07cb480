import { type Log, logError } from "../../server/cluster/error-log.ts";
import { loadEnv } from "../../server/env.ts";
import { parseCommand, UsageError } from "../parse.ts";
import type { RoleName } from "../roles/role.ts";
import { ALL_ROLES, startYubin } from "../roles/start.ts";

export async function startCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { roles: { type: "string" } }, []);
  const requested = (values.roles ?? ALL_ROLES.join(","))
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of requested) {
    if (!ALL_ROLES.includes(role as RoleName))
      throw new UsageError(`unknown role "${role}" (roles: ${ALL_ROLES.join(", ")})`);
  }
  if (requested.length === 0) throw new UsageError("--roles needs at least one role");
  const env = loadEnv();
  // Every line goes to stdout; error-level ones are also kept in the database for the admin's
  // server status page (server/cluster/error-log.ts).
  const log: Log = (line, level) => {
    console.log(line);
    if (level === "error") logError(line);
  };
  // Signals are handled from the start: a SIGTERM while Yubin is still
  // starting (a supervisor's, or a test's right after "yubin ready") would
  // otherwise kill the process the default way and orphan its embedded
  // PostgreSQL. The first signal stops gracefully once startup is done; a
  // second one exits at once (the database is still told to stop: embedded.ts).
  let stopRequested = false;
  let wake: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) {
      log(`yubin: ${signal} received again, exiting now`);
      process.exit(1);
    }
    stopRequested = true;
    log(`yubin: ${signal} received, stopping`);
    wake?.();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const started = await startYubin(env, requested as RoleName[], log, () => stopRequested);
  if (!stopRequested) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  await started.stop().catch((e: unknown) => {
    console.error("yubin: error while stopping", e);
  });
  log("yubin stopped");
  return 0;
}
