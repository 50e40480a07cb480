// RFC 9051 §6.4.1 CLOSE: expunges \Deleted messages silently (no untagged
// EXPUNGE) unless the mailbox is read-only, then leaves the selected state.
import { defineCommand, noArguments, ok, SELECTED } from "./command.ts";

export const closeCommand = defineCommand({
  name: "CLOSE",
  states: SELECTED,
  parse: noArguments,
  async run({ session }) {
    const selected = session.requireSelected;
    if (!selected.readOnly) {
      const deleted = selected.allUids.filter((uid) => selected.state(uid)?.flags.includes("\\Deleted"));
      if (deleted.length > 0) await session.backend.expunge(session.requirePrincipal, selected.folderId, deleted);
    }
    session.close();
    return ok("CLOSE completed");
  },
});
