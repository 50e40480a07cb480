// Who manages saved replies: admins manage all of them; any member of a
// mailbox manages that mailbox's own (the team that answers the mail knows
// its standard answers best). Global ones, offered in every mailbox, are for
// admins only, since they speak for every team.

import { authorizeMailbox } from "../access/gate.ts";
import { InputError } from "../errors.ts";

export interface SavedReplyActor {
  id: number;
  role: "admin" | "agent";
}

/** Throws not_found for a mailbox the actor may not see and invalid for a global reply by a non-admin. */
export async function assertCanManage(actor: SavedReplyActor, mailboxId: number | null): Promise<void> {
  if (actor.role === "admin") return;
  if (mailboxId === null) throw new InputError("only admins manage saved replies for every mailbox");
  if (!(await authorizeMailbox({ userId: actor.id, mailboxId }))) throw new InputError("no such mailbox", "not_found");
}
