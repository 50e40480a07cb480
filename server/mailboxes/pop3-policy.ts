// What a POP3 client's DELE does to a mailbox (issue 12). A shared mailbox
// keeps by default: one employee's client must not empty the team's inbox.
// A personal mailbox deletes, as RFC 1939 §6 describes and as its owner's
// client expects. An admin may choose either for any mailbox.
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "./address.ts";

export const POP3_ON_DELETE = ["keep", "delete"] as const;
export type Pop3OnDelete = (typeof POP3_ON_DELETE)[number];

/** The policy in force: the mailbox's own setting, else the default for its kind. */
export function pop3OnDelete(mailbox: {
  kind: "personal" | "shared";
  pop3OnDelete: Pop3OnDelete | null;
}): Pop3OnDelete {
  return mailbox.pop3OnDelete ?? (mailbox.kind === "shared" ? "keep" : "delete");
}

export function parsePop3OnDelete(value: string): Pop3OnDelete {
  const policy = POP3_ON_DELETE.find((p) => p === value.trim().toLowerCase());
  if (!policy) throw new InputError(`--on-delete must be keep or delete, not ${JSON.stringify(value)}`);
  return policy;
}

/** Sets the POP3 deletion policy of a mailbox (admin: CLI, admin panel); audited. */
export async function setPop3OnDelete(input: { address: string; onDelete: Pop3OnDelete; actorId: number | null }) {
  const { address } = normalizeAddress(input.address);
  return db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where: { address } });
    if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
    const before = pop3OnDelete(mailbox);
    const updated = await tx.mailbox.update({ where: { id: mailbox.id }, data: { pop3OnDelete: input.onDelete } });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "mailbox.pop3",
        subjectType: "mailbox",
        subjectId: mailbox.id,
        before: { onDelete: before, explicit: mailbox.pop3OnDelete !== null },
        after: { onDelete: input.onDelete },
      },
      tx,
    );
    return { address: updated.address, kind: updated.kind, onDelete: input.onDelete };
  });
}

/** The policy in force for a mailbox, and whether it is the kind's default. */
export async function getPop3OnDelete(address: string) {
  const normalized = normalizeAddress(address).address;
  const mailbox = await db().mailbox.findUnique({ where: { address: normalized } });
  if (!mailbox) throw new InputError(`no mailbox ${normalized}`, "not_found");
  return {
    address: mailbox.address,
    kind: mailbox.kind,
    onDelete: pop3OnDelete(mailbox),
    explicit: mailbox.pop3OnDelete !== null,
  };
}
