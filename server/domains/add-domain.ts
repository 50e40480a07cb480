import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeDomain } from "../mailboxes/address.ts";
import { createDkimKey } from "./dkim-key.ts";

/** Makes DOMAIN local: the MX accepts mail for its mailboxes, and outbound mail is DKIM-signed for it. */
export async function addDomain(input: { name: string; actorId: number | null }) {
  const name = normalizeDomain(input.name);
  if (await db().domain.findUnique({ where: { name } })) {
    throw new InputError(`domain ${name} already exists`, "conflict");
  }
  const key = await createDkimKey();
  return db().$transaction(async (tx) => {
    const domain = await tx.domain.create({
      data: {
        name,
        dkimSelector: key.selector,
        dkimPrivateKey: key.privateKeyPem,
        dkimPublicKey: key.publicKeyBase64,
      },
    });
    await recordAudit(
      { actorId: input.actorId, action: "domain.add", subjectType: "domain", subjectId: domain.id, after: { name } },
      tx,
    );
    return domain;
  });
}

export async function listDomains() {
  return db().domain.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, dkimSelector: true, createdAt: true, _count: { select: { mailboxes: true } } },
  });
}
