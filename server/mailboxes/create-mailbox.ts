import { recordAudit } from "../audit/record-audit.ts";
import type { Prisma } from "../db.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "./address.ts";
import { DEFAULT_FOLDERS, newUidValidity } from "./default-folders.ts";

export interface CreateMailboxInput {
  address: string;
  kind: "personal" | "shared";
  displayName?: string;
  quotaBytes?: number | null;
  /** Emails of existing users who may work in this mailbox. */
  memberEmails?: string[];
  /** Owner of a personal mailbox. */
  ownerUserId?: number;
  actorId: number | null;
}

/** Creates a mailbox on a local domain with its standard folders, inside the caller's transaction. */
export async function createMailboxTx(tx: Prisma.TransactionClient, input: CreateMailboxInput) {
  const { address, localPart, domain: domainName } = normalizeAddress(input.address);
  const domain = await tx.domain.findUnique({ where: { name: domainName } });
  if (!domain) {
    throw new InputError(`${domainName} is not a local domain: add it first with "yubin domain add ${domainName}"`);
  }
  if ((await tx.mailbox.findUnique({ where: { address } })) || (await tx.alias.findUnique({ where: { address } }))) {
    throw new InputError(`${address} already exists`, "conflict");
  }
  const members = [];
  for (const email of input.memberEmails ?? []) {
    const normalized = email.trim().toLowerCase();
    const user = await tx.user.findUnique({ where: { email: normalized } });
    if (!user) throw new InputError(`no user ${normalized}: add it first with "yubin user add"`, "not_found");
    members.push(user);
  }
  const uidValidity = newUidValidity();
  const mailbox = await tx.mailbox.create({
    data: {
      address,
      domainId: domain.id,
      kind: input.kind,
      displayName: input.displayName?.trim() || localPart,
      userId: input.ownerUserId ?? null,
      quotaBytes: input.quotaBytes == null ? null : BigInt(input.quotaBytes),
      folders: { create: DEFAULT_FOLDERS.map((f) => ({ name: f.name, specialUse: f.specialUse, uidValidity })) },
    },
  });
  const memberIds = new Set(members.map((m) => m.id));
  if (input.ownerUserId) memberIds.add(input.ownerUserId);
  if (memberIds.size > 0) {
    await tx.membership.createMany({ data: [...memberIds].map((userId) => ({ mailboxId: mailbox.id, userId })) });
  }
  await recordAudit(
    {
      actorId: input.actorId,
      action: "mailbox.create",
      subjectType: "mailbox",
      subjectId: mailbox.id,
      after: { address, kind: input.kind, quotaBytes: input.quotaBytes ?? null, members: members.map((m) => m.email) },
    },
    tx,
  );
  return mailbox;
}

export function createMailbox(input: CreateMailboxInput) {
  return db().$transaction((tx) => createMailboxTx(tx, input));
}
