import type { LoginAttackSummary } from "../../server/auth/login-attacks.ts";
import { clusterStatus } from "../../server/cluster/cluster-status.ts";
import { parseCommand } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

export async function statusCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { json: { type: "boolean" } }, []);
  return withDatabase(async () => {
    const status = await clusterStatus();
    const healthy = status.database.ok && status.database.migrationsPending.length === 0;
    if (values.json) {
      console.log(JSON.stringify(status, null, 2));
      return healthy ? 0 : 1;
    }
    const db = status.database;
    console.log(
      `database: ${db.ok ? "up" : `DOWN (${db.error})`}, ${db.migrationsApplied} migrations applied` +
        (db.migrationsPending.length ? `, PENDING: ${db.migrationsPending.join(", ")}` : ""),
    );
    console.log(
      `users: ${status.counts.users}, domains: ${status.counts.domains}, mailboxes: ${status.counts.mailboxes}`,
    );
    console.log(signInLine(status.signIn));
    for (const l of status.signIn.logins) {
      console.log(
        `  login ${l.login}: ${l.attempts} attempt(s), ${l.refused} refused, from ${l.addresses} address(es)` +
          (l.lockedUntil ? `, closed to new addresses until ${l.lockedUntil.toISOString()}` : ""),
      );
    }
    for (const a of status.signIn.addresses) {
      console.log(
        `  address ${a.address}: ${a.attempts} attempt(s), ${a.refused} refused, locked until ${a.lockedUntil.toISOString()}`,
      );
    }
    if (status.nodes.length === 0) console.log("no Yubin process is running");
    for (const n of status.nodes) {
      const ports = Object.entries(n.listeners)
        .map(([k, v]) => `${k}:${v}`)
        .join(" ");
      console.log(
        `${n.up ? "up  " : "DOWN"} ${n.hostname} pid ${n.pid} roles ${n.roles.join(",")} ${ports} since ${n.startedAt}`,
      );
    }
    return healthy ? 0 : 1;
  });
}

/** One line on password guessing: quiet, or how many logins and addresses are under attack. */
function signInLine(summary: LoginAttackSummary): string {
  if (summary.logins.length === 0 && summary.addresses.length === 0) return "sign-in: no attacks";
  return `sign-in: ATTACKED, ${summary.logins.length} login(s) and ${summary.addresses.length} locked address(es)`;
}
