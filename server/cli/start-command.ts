import { loadEnv } from "../env.ts";
import type { RoleName } from "../runtime/role.ts";
import { ALL_ROLES, AVAILABLE_ROLES, startYubin } from "../runtime/start.ts";
import { parseCommand, UsageError } from "./parse.ts";

export async function startCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { roles: { type: "string" } }, []);
  const requested = (values.roles ?? AVAILABLE_ROLES.join(","))
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of requested) {
    if (!ALL_ROLES.includes(role as RoleName))
      throw new UsageError(`unknown role "${role}" (roles: ${ALL_ROLES.join(", ")})`);
    if (!AVAILABLE_ROLES.includes(role as RoleName))
      throw new UsageError(`role "${role}" is not available in this version yet`);
  }
  if (requested.length === 0) throw new UsageError("--roles needs at least one role");
  const env = loadEnv();
  const log = (line: string) => console.log(line);
  const started = await startYubin(env, requested as RoleName[], log);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`yubin: ${signal} received, stopping`);
      started.stop().then(resolve, (e: unknown) => {
        console.error("yubin: error while stopping", e);
        resolve();
      });
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  log("yubin stopped");
  return 0;
}
