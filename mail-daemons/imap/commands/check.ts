// RFC 3501 §6.4.1 CHECK (removed in IMAP4rev2, kept for rev1 clients):
// every change is already durable, so it is a NOOP for the selected mailbox.
import { defineCommand, noArguments, ok, SELECTED } from "./command.ts";

export const checkCommand = defineCommand({
  name: "CHECK",
  catchUpFirst: true,
  states: SELECTED,
  parse: noArguments,
  async run({ session }) {
    session.requireSelected.dirty = true;
    return ok("CHECK completed");
  },
});
