// RFC 9051 §6.3.12 APPEND with MULTIAPPEND (RFC 3502: all or none) and
// UIDPLUS's APPENDUID (RFC 4315 §3). Size beyond APPENDLIMIT was refused
// before the literal was sent (connection.ts literal policy, NO [TOOBIG]).
import { parseAppendArguments } from "../parser/append-arguments.ts";
import { formatSequenceSet } from "../parser/sequence-set.ts";
import { AUTHENTICATED, defineCommand, ok } from "./command.ts";
import { refused } from "./refusal.ts";

export const appendCommand = defineCommand({
  name: "APPEND",
  states: AUTHENTICATED,
  parse: parseAppendArguments,
  async run({ session }, { mailbox, messages }) {
    const outcome = await session.backend.append(session.requirePrincipal, mailbox, messages);
    if (!outcome.ok) return refused(outcome);
    // RFC 9051 §6.3.12: appending to the selected mailbox should show as EXISTS before the OK.
    if (session.selected?.name === mailbox) session.selected.dirty = true;
    return ok("APPEND completed", `APPENDUID ${outcome.uidValidity} ${formatSequenceSet(outcome.uids)}`);
  },
});
