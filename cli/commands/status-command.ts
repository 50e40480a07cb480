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
