import { recordAudit } from "../audit/record-audit.ts";
import { hashPassword, passwordProblem } from "../auth/passwords.ts";
import type { Prisma } from "../db.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "../mailboxes/address.ts";
import { createMailboxTx } from "../mailboxes/create-mailbox.ts";
import { nameProblem } from "./edit-user.ts";

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string;
  role?: "admin" | "agent";
  actorId: number | null;
}

/**
 * The one way an account comes to be: the user row and, on a local domain, a
 * personal mailbox at the same address. `passwordHash: ""` matches no password
 * (passwords.ts): an invited account waits for its link.
 */
export async function createAccountTx(
  tx: Prisma.TransactionClient,
  input: {
    email: string;
    domain: string;
    name: string;
    role: "admin" | "agent";
    passwordHash: string;
    actorId: number | null;
  },
) {
  if (await tx.user.findUnique({ where: { email: input.email } }))
    throw new InputError(`user ${input.email} already exists`, "conflict");
  const user = await tx.user.create({
    data: { email: input.email, name: input.name, role: input.role, passwordHash: input.passwordHash },
  });
  const localDomain = await tx.domain.findUnique({ where: { name: input.domain } });
  const mailbox = localDomain
    ? await createMailboxTx(tx, {
        address: input.email,
        kind: "personal",
        displayName: input.name,
        ownerUserId: user.id,
        actorId: input.actorId,
      })
    : null;
  return { user, mailbox };
}

/** Creates a user; on a local domain the user also gets a personal mailbox at that address. */
export async function createUser(input: CreateUserInput) {
  const { address: email, localPart, domain } = normalizeAddress(input.email);
  const problem = passwordProblem(input.password);
  if (problem) throw new InputError(problem);
  const name = input.name?.trim() || localPart;
  const nameError = nameProblem(name);
  if (nameError) throw new InputError(nameError);
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const { user, mailbox } = await createAccountTx(tx, {
      email,
      domain,
      name,
      role: input.role ?? "agent",
      passwordHash,
      actorId: input.actorId,
    });
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
