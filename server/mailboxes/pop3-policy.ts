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

/**
 * Sets the POP3 deletion policy of a mailbox, named by address (CLI) or id
 * (admin panel); audited in the same transaction. Callers are admins only.
 */
export async function setPop3OnDelete(
  input: ({ address: string } | { mailboxId: number }) & {
    onDelete: Pop3OnDelete;
    actorId: number | null;
    ip?: string | null;
  },
) {
  const where = "address" in input ? { address: normalizeAddress(input.address).address } : { id: input.mailboxId };
  return db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where });
    if (!mailbox)
      throw new InputError(`no mailbox ${"address" in where ? where.address : `#${where.id}`}`, "not_found");
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
        ip: input.ip ?? null,
      },
      tx,
    );
    return { id: updated.id, address: updated.address, kind: updated.kind, onDelete: input.onDelete };
  });
}

export interface Pop3PolicyView {
  onDelete: Pop3OnDelete;
  /** Set by an admin, rather than the kind's default. */
  explicit: boolean;
  /** What the mailbox's kind gets when no admin has chosen. */
  kindDefault: Pop3OnDelete;
}

/** The policy in force for every mailbox, by id (the admin panel). */
export async function listPop3Policies(): Promise<Record<number, Pop3PolicyView>> {
  const mailboxes = await db().mailbox.findMany({ select: { id: true, kind: true, pop3OnDelete: true } });
  return Object.fromEntries(
    mailboxes.map((m) => [
      m.id,
      {
        onDelete: pop3OnDelete(m),
        explicit: m.pop3OnDelete !== null,
        kindDefault: pop3OnDelete({ kind: m.kind, pop3OnDelete: null }),
      },
    ]),
  );
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
