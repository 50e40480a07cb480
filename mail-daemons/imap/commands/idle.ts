// RFC 2177 IDLE (RFC 9051 §6.3.13): "+ idling", then changes to the
// selected mailbox are reported as they happen until the client sends
// DONE. The 30-minute autologout applies meanwhile (server/limits.ts).
import { IMAP_MAX_DONE_LINE_BYTES } from "../../../server/limits.ts";
import { AUTHENTICATED, bad, type CommandContext, defineCommand, noArguments, ok } from "./command.ts";

export const idleCommand = defineCommand({
  name: "IDLE",
  states: AUTHENTICATED,
  parse: noArguments,
  async run(context) {
    const { session } = context;
    await session.writer.continuation("idling");
    let reporting = Promise.resolve(true);
    const report = () => {
      reporting = reporting.then(() => session.reportChanges(true));
    };
    session.onMailboxChange = report;
    try {
      report();
      const line = await waitForDone(context);
      await reporting;
      if (line === null) return ok("IDLE terminated");
      return line.toUpperCase() === "DONE" ? ok("IDLE terminated") : bad("Expected DONE");
    } finally {
      session.onMailboxChange = null;
    }
  },
});

async function waitForDone({ connection }: CommandContext): Promise<string | null> {
  const line = await connection.readLine(IMAP_MAX_DONE_LINE_BYTES);
  if (line === null) return null;
  return line === "too-long" ? "" : line.toString("latin1").trim();
}
