import { recordAudit } from "../audit/record-audit.ts";
import { hashPassword, passwordProblem } from "../auth/passwords.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "../mailboxes/address.ts";
import { createMailboxTx } from "../mailboxes/create-mailbox.ts";

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string;
  role?: "admin" | "agent";
  actorId: number | null;
}

/** Creates a user; on a local domain the user also gets a personal mailbox at that address. */
export async function createUser(input: CreateUserInput) {
  const { address: email, localPart, domain } = normalizeAddress(input.email);
  const problem = passwordProblem(input.password);
  if (problem) throw new InputError(problem);
  const name = input.name?.trim() || localPart;
  if (name.length > 200) throw new InputError("name must be at most 200 characters");
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email } }))
      throw new InputError(`user ${email} already exists`, "conflict");
    const user = await tx.user.create({ data: { email, name, role: input.role ?? "agent", passwordHash } });
    const localDomain = await tx.domain.findUnique({ where: { name: domain } });
    const mailbox = localDomain
      ? await createMailboxTx(tx, {
          address: email,
          kind: "personal",
          displayName: name,
          ownerUserId: user.id,
          actorId: input.actorId,
        })
      : null;
    await recordAudit(
      {
        actorId: input.actorId,
        action: "user.create",
        subjectType: "user",
        subjectId: user.id,
        after: { email, role: user.role },
      },
      tx,
    );
    return { user, mailbox };
  });
}
