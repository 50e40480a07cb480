// RFC 9051 §6.1.2 NOOP: does nothing but lets pending updates through, so
// polling clients see new mail. It also asks the backend once, in case a
// change notification was lost between processes.
import { ANY_STATE, defineCommand, noArguments, ok } from "./command.ts";

export const noopCommand = defineCommand({
  name: "NOOP",
  catchUpFirst: true,
  states: ANY_STATE,
  parse: noArguments,
  async run({ session }) {
    if (session.selected) session.selected.dirty = true;
    return ok("NOOP completed");
  },
});
