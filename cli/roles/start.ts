// `yubin start`: the composition root of a Yubin process: database,
// migrations, first-run bootstrap, the roles, then one line "yubin ready".
// SIGINT/SIGTERM stop everything it started, in reverse order, ending with
// the embedded PostgreSQL.

import { databaseReachable } from "../../server/cluster/database-reachable.ts";
import { flushErrorLog, type Log } from "../../server/cluster/error-log.ts";
import { startHeartbeat } from "../../server/cluster/heartbeat.ts";
import type { Env } from "../../server/env.ts";
import { bootstrapFirstRun } from "../../server/lifecycle/first-run.ts";
import { openDatabase } from "../../server/lifecycle/open-database.ts";
import { sessionSecret } from "../../server/lifecycle/secrets.ts";
import { flushProcessTraces } from "../../server/trace/trace-writer.ts";
import { startHousekeeping } from "./housekeeping.ts";
import type { RoleName, RunningRole } from "./role.ts";
import { buildWeb, projectRoot, webBuildIsCurrent } from "./web-build.ts";

/** The process roles (DESIGN.md "Processes"): `yubin start` runs all of them unless --roles names some. */
export const ALL_ROLES: RoleName[] = ["web", "mail", "delivery"];

export interface Started {
  roles: RunningRole[];
  stop(): Promise<void>;
}

/**
 * `stopRequested` is asked between the steps: once it says yes (a SIGTERM
 * while starting), no further role is started — a supervisor stopping Yubin
 * need not wait for Next.js to load — and the caller stops what has started.
 */
export async function startYubin(
  env: Env,
  roleNames: RoleName[],
  log: Log,
  stopRequested: () => boolean = () => false,
): Promise<Started> {
  if (roleNames.includes("web") && !webBuildIsCurrent(projectRoot)) buildWeb(projectRoot, log);
  const database = await openDatabase(env, log);
  const running: RunningRole[] = [];
  const stopAll = async () => {
    for (const role of [...running].reverse()) {
      await role
        .stop()
        .catch((e: unknown) => log(`${role.name}: error while stopping: ${(e as Error).message}`, "error"));
    }
    // The last message traces the roles left in this process's buffer.
    await flushProcessTraces().catch((e: unknown) => log(`trace: ${(e as Error).message}`));
    // Errors logged while stopping still reach the table while the database is up.
    await flushErrorLog();
    await database.close();
  };
  try {
    const stoppedEarly = (): Started => ({ roles: running, stop: async () => await stopAll() });
    if (stopRequested()) return stoppedEarly(); // the first run happens at the next start
    const first = await bootstrapFirstRun({
      hostname: env.YUBIN_HOSTNAME,
      adminEmail: env.YUBIN_ADMIN_EMAIL,
      adminPassword: env.YUBIN_ADMIN_PASSWORD,
    });
    const publicUrl = env.YUBIN_PUBLIC_URL ?? `http://${env.YUBIN_HOSTNAME}:${env.YUBIN_HTTP_PORT}`;
    const health = async () => {
      const database = await databaseReachable();
      const roles = Object.fromEntries(
        await Promise.all(running.map(async (r) => [r.name, await r.healthy()] as const)),
      );
      const ok = database && Object.values(roles).every(Boolean);
      return { ok, body: { ok, database, roles } };
    };
    // Where the admin changes the generated password: Settings at the web URL the banner names.
    const firstRunLines = (webUrl: string) =>
      first
        ? [
            `  first run: admin ${first.adminEmail}, shared mailbox ${first.sharedMailbox}`,
            ...(first.generatedPassword
              ? [
                  `  admin password (shown once): ${first.generatedPassword}`,
                  `  change it after signing in, in Settings → Password: ${webUrl}/settings#password`,
                ]
              : []),
          ]
        : [];
    const stoppingAfterFirstRun = () => {
      // The generated admin password exists only in this output.
      const lines = firstRunLines(publicUrl);
      if (lines.length) log(["yubin stopping before it was ready", ...lines].join("\n"));
      return stoppedEarly();
    };
    if (stopRequested()) return stoppingAfterFirstRun();
    if (roleNames.includes("web") && env.YUBIN_HTTP_PORT !== 0) {
      // next-auth reads these; set before Next.js loads the app.
      process.env.NEXTAUTH_SECRET = sessionSecret(env.dataDir, env.YUBIN_SESSION_SECRET);
      // YUBIN_PUBLIC_URL wins; a NEXTAUTH_URL set by hand is kept otherwise.
      if (env.YUBIN_PUBLIC_URL) process.env.NEXTAUTH_URL = env.YUBIN_PUBLIC_URL;
      else process.env.NEXTAUTH_URL ??= publicUrl;
      // Each role's modules load only when it runs: Next.js for the web, the
      // protocol daemons (mailauth, mailparser: half a second each) for mail.
      const { startWebRole } = await import("./web-role.ts");
      running.push(
        await startWebRole({
          root: projectRoot,
          port: env.YUBIN_HTTP_PORT,
          bindAddress: env.YUBIN_BIND_ADDRESS,
          publicUrl,
          configuredPublicUrl: env.YUBIN_PUBLIC_URL,
          trustProxy: env.YUBIN_TRUST_PROXY,
          health,
        }),
      );
    }
    if (roleNames.includes("mail") && !stopRequested()) {
      const { startMailRole } = await import("./mail-role.ts");
      running.push(await startMailRole(env, log));
    }
    if (roleNames.includes("delivery") && !stopRequested()) {
      const { startDeliveryRole } = await import("./delivery-role.ts");
      running.push(await startDeliveryRole(env, log));
    }
    if (stopRequested()) return stoppingAfterFirstRun();
    const listeners = Object.assign({}, ...running.map((r) => r.listeners)) as Record<string, number>;
    const heartbeat = await startHeartbeat(roleNames, listeners);
    // Every process runs the timed chores (snooze waker, stalled approvals); each acts once.
    const housekeeping = startHousekeeping(log);
    // Imports and exports started in the browser run in the web and mail processes (their files are on this host).
    const transfers =
      roleNames.includes("web") || roleNames.includes("mail")
        ? (await import("./transfer-worker.ts")).startTransferWorker(log)
        : null;
    // One write, so that whoever waits for "yubin ready" reads the whole block.
    const ready = ["yubin ready", ...running.flatMap((role) => role.banner.map((line) => `  ${line}`))];
    const webUrl =
      env.YUBIN_PUBLIC_URL ?? (listeners.http ? publicUrl.replace(/:\d+$/, `:${listeners.http}`) : publicUrl);
    ready.push(...firstRunLines(webUrl));
    log(ready.join("\n"));
    return {
      roles: running,
      stop: async () => {
        await transfers?.stop();
        await housekeeping.stop();
        await heartbeat.stop();
        await stopAll();
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
