// RFC 2342 / RFC 9051 §6.3.10 NAMESPACE: the personal namespace at the root,
// the shared mailboxes under the backend's shared prefix, no other users'.

import { encodeValue } from "../response/encode.ts";
import type { ImapValue } from "../response/imap-value.ts";
import { AUTHENTICATED, defineCommand, noArguments, ok } from "./command.ts";

export const namespaceCommand = defineCommand({
  name: "NAMESPACE",
  states: AUTHENTICATED,
  parse: noArguments,
  async run({ session }) {
    const spaces = session.backend.namespaces(session.requirePrincipal);
    const group = (list: Array<[string, string]>): ImapValue =>
      list.length === 0 ? null : list.map(([prefix, delimiter]) => [prefix, delimiter]);
    const encode = (value: ImapValue) => encodeValue(value, { utf8: session.utf8 }).toString("utf8");
    await session.writer.untagged(`NAMESPACE ${encode(group(spaces.personal))} NIL ${encode(group(spaces.shared))}`);
    return ok("NAMESPACE completed");
  },
});
