// `yubin queue [--json] [--all]`, `yubin queue retry ID`, `yubin queue drop ID`.
import { dropJob, listQueue, retryJob } from "../../server/outbound/queue-admin.ts";
import { parseCommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

export async function queueCommand(args: string[]): Promise<number> {
  const verb = args[0] === "retry" || args[0] === "drop" ? args[0] : null;
  if (verb) {
    const { positionals } = parseCommand(args.slice(1), {}, ["ID"]);
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id <= 0) throw new UsageError(`"${positionals[0]}" is not a job id`);
    return withDatabase(async () => {
      if (verb === "retry") await retryJob(id);
      else await dropJob(id);
      console.log(`${verb === "retry" ? "retrying" : "dropped"} job ${id}`);
      return 0;
    });
  }
  const { values } = parseCommand(args, { json: { type: "boolean" }, all: { type: "boolean" } }, []);
  return withDatabase(async () => {
    const entries = await listQueue({ all: values.all });
    if (values.json) {
      console.log(JSON.stringify(entries, null, 2));
      return 0;
    }
    if (entries.length === 0) console.log("the queue is empty");
    for (const e of entries) {
      const who = e.recipients.map((r) => `${r.address}(${r.state})`).join(" ");
      console.log(
        `${e.id}\t${e.state}\t${e.attempts} attempts\tnext ${e.nextAttemptAt.toISOString()}\t<${e.mailFrom}> -> ${who}` +
          (e.lastReply ? `\n\tlast reply: ${e.lastReply}` : ""),
      );
    }
    return 0;
  });
}
