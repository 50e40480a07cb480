// Signatures: one per mailbox (set by an admin) and one per user (their own
// settings). A reply ends with the usenet delimiter "-- " (RFC 3676 §4.3:
// dash dash space, alone on its line) and then both, mailbox first.
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { MAX_SIGNATURE_CHARS } from "../limits.ts";

export const SIGNATURE_DELIMITER = "-- \n";

export function composeSignature(mailboxSignature: string | null, userSignature: string | null): string {
  const parts = [mailboxSignature, userSignature].map((s) => (s ?? "").replace(/\r\n?/g, "\n").trim()).filter(Boolean);
  return parts.length ? `${SIGNATURE_DELIMITER}${parts.join("\n")}` : "";
}

function clean(signature: string): string | null {
  const text = signature.replace(/\r\n?/g, "\n").trim();
  if (text.length > MAX_SIGNATURE_CHARS)
    throw new InputError(`a signature has at most ${MAX_SIGNATURE_CHARS} characters`);
  return text || null;
}

/** The signature for replies from a mailbox by a user. */
export async function signatureFor(input: { mailboxId: number; userId: number | null }): Promise<string> {
  const [mailbox, user] = await Promise.all([
    db().mailbox.findUnique({ where: { id: input.mailboxId }, select: { signature: true } }),
    input.userId === null ? null : db().user.findUnique({ where: { id: input.userId }, select: { signature: true } }),
  ]);
  return composeSignature(mailbox?.signature ?? null, user?.signature ?? null);
}

export async function userSignature(userId: number): Promise<string> {
  return (await db().user.findUnique({ where: { id: userId }, select: { signature: true } }))?.signature ?? "";
}

export async function setUserSignature(input: { userId: number; signature: string }): Promise<void> {
  await db().user.update({ where: { id: input.userId }, data: { signature: clean(input.signature) } });
}

export async function setMailboxSignature(input: { actorId: number; mailboxId: number; signature: string }) {
  const signature = clean(input.signature);
  await db().$transaction(async (tx) => {
    const before = await tx.mailbox.findUnique({ where: { id: input.mailboxId }, select: { signature: true } });
    if (!before) throw new InputError("no such mailbox", "not_found");
    await tx.mailbox.update({ where: { id: input.mailboxId }, data: { signature } });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "mailbox.signature",
        subjectType: "mailbox",
        subjectId: input.mailboxId,
        before: { signature: before.signature },
        after: { signature },
      },
      tx,
    );
  });
}

/** Every mailbox's signature, for the admin page. */
export async function mailboxSignatures(): Promise<{ id: number; signature: string }[]> {
  const rows = await db().mailbox.findMany({ select: { id: true, signature: true } });
  return rows.map((r) => ({ id: r.id, signature: r.signature ?? "" }));
}
