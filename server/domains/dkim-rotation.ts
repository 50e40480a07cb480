// DKIM key rotation without a moment of unverifiable mail (RFC 6376 §3.6.1,
// M3AAWG's key rotation practice): a new key gets its own selector and is
// published beside the signing one; only once a domain check sees the new
// record in DNS does it become the signing key, and the former key's record
// stays listed (mail signed with it may still be on its way or re-verified)
// until an admin removes it. Other processes pick the new key up within
// DKIM_KEY_TTL_MS (server/outbound/dkim-keys.ts), which the old record covers.
import { recordAudit } from "../audit/record-audit.ts";
import { db, type Prisma } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeDomain } from "../mailboxes/address.ts";
import { forgetDkimKeys } from "../outbound/dkim-keys.ts";
import { createDkimKey } from "./dkim-key.ts";

export const rotationUnderWay = (domain: string, selector: string) =>
  `a new DKIM key for ${domain} is already waiting to be published (selector ${selector})`;
export const signingSelector = (selector: string) =>
  `selector ${selector} signs the mail now; rotate to a new key before removing it`;
export const noSelector = (domain: string, selector: string) => `no DKIM selector ${selector} for ${domain}`;
export const SELECTOR_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** yubin20261203, or yubin20261203-2 … when that one is taken (several rotations in a day). */
export function nextSelector(now: Date, taken: ReadonlySet<string>): string {
  const base = `yubin${now.toISOString().slice(0, 10).replaceAll("-", "")}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Starts a rotation: a new key to publish beside the signing one. Returns its selector. */
export async function startDkimRotation(input: { domain: string; actorId: number | null; now?: Date }) {
  const name = normalizeDomain(input.domain);
  const now = input.now ?? new Date();
  const key = await createDkimKey(now);
  return db().$transaction(async (tx) => {
    // FOR UPDATE: two admins rotating at once start one rotation, not two.
    const [locked] = await tx.$queryRaw<{ id: number }[]>`select id from "Domain" where name = ${name} for update`;
    if (!locked) throw new InputError(`no domain ${name}`, "not_found");
    const domain = await tx.domain.findUniqueOrThrow({ where: { id: locked.id }, include: { retiredDkimKeys: true } });
    if (domain.dkimNextSelector) throw new InputError(rotationUnderWay(name, domain.dkimNextSelector), "conflict");
    const taken = new Set([domain.dkimSelector ?? "", ...domain.retiredDkimKeys.map((k) => k.selector)]);
    const selector = nextSelector(now, taken);
    const data = {
      dkimNextSelector: selector,
      dkimNextPrivateKey: key.privateKeyPem,
      dkimNextPublicKey: key.publicKeyBase64,
      dkimNextCreatedAt: now,
    };
    // A domain that never had a key (made before DKIM existed here) signs with the new one at once.
    const first = !domain.dkimSelector;
    await tx.domain.update({
      where: { id: domain.id },
      data: first
        ? { dkimSelector: selector, dkimPrivateKey: key.privateKeyPem, dkimPublicKey: key.publicKeyBase64 }
        : data,
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "domain.dkim_rotate",
        subjectType: "domain",
        subjectId: domain.id,
        before: { selector: domain.dkimSelector },
        after: first ? { selector } : { selector: domain.dkimSelector, next: selector },
      },
      tx,
    );
    return { domain: name, selector, signing: first };
  });
}

/**
 * The new key becomes the signing key, the former one retired (public half
 * only). Called by the domain check when it finds the new record published;
 * a rotation already finished by another check is left alone.
 */
export async function switchToNextKey(
  tx: Prisma.TransactionClient,
  input: { domainId: number; selector: string; actorId: number | null; now: Date },
): Promise<{ from: string | null; to: string } | null> {
  const [domain] = await tx.$queryRaw<
    {
      dkimSelector: string | null;
      dkimPublicKey: string | null;
      dkimNextSelector: string | null;
      dkimNextPrivateKey: string | null;
      dkimNextPublicKey: string | null;
    }[]
  >`select "dkimSelector", "dkimPublicKey", "dkimNextSelector", "dkimNextPrivateKey", "dkimNextPublicKey"
      from "Domain" where id = ${input.domainId} for update`;
  if (!domain || domain.dkimNextSelector !== input.selector || !domain.dkimNextPrivateKey) return null;
  if (domain.dkimSelector && domain.dkimPublicKey) {
    await tx.retiredDkimKey.create({
      data: {
        domainId: input.domainId,
        selector: domain.dkimSelector,
        publicKey: domain.dkimPublicKey,
        retiredAt: input.now,
      },
    });
  }
  await tx.domain.update({
    where: { id: input.domainId },
    data: {
      dkimSelector: domain.dkimNextSelector,
      dkimPrivateKey: domain.dkimNextPrivateKey,
      dkimPublicKey: domain.dkimNextPublicKey,
      dkimNextSelector: null,
      dkimNextPrivateKey: null,
      dkimNextPublicKey: null,
      dkimNextCreatedAt: null,
    },
  });
  await recordAudit(
    {
      actorId: input.actorId,
      action: "domain.dkim_switch",
      subjectType: "domain",
      subjectId: input.domainId,
      before: { selector: domain.dkimSelector },
      after: { selector: input.selector },
    },
    tx,
  );
  return { from: domain.dkimSelector, to: input.selector };
}

/** Drops this process's cached signing keys once a switch has committed. */
export function afterKeySwitch(): void {
  forgetDkimKeys();
}

/**
 * Removes a retired key from the list (its record can then go from DNS), or
 * cancels a rotation by removing the key still waiting to be published. The
 * signing key cannot be removed.
 */
export async function removeDkimSelector(input: { domain: string; selector: string; actorId: number | null }) {
  const name = normalizeDomain(input.domain);
  const selector = input.selector.trim().toLowerCase();
  if (!SELECTOR_PATTERN.test(selector)) throw new InputError(noSelector(name, input.selector), "not_found");
  return db().$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ id: number }[]>`select id from "Domain" where name = ${name} for update`;
    if (!locked) throw new InputError(`no domain ${name}`, "not_found");
    const domain = await tx.domain.findUniqueOrThrow({ where: { id: locked.id } });
    let removed: "retired" | "next";
    if (domain.dkimSelector === selector) throw new InputError(signingSelector(selector));
    if (domain.dkimNextSelector === selector) {
      await tx.domain.update({
        where: { id: domain.id },
        data: { dkimNextSelector: null, dkimNextPrivateKey: null, dkimNextPublicKey: null, dkimNextCreatedAt: null },
      });
      removed = "next";
    } else {
      const gone = await tx.retiredDkimKey.deleteMany({ where: { domainId: domain.id, selector } });
      if (gone.count === 0) throw new InputError(noSelector(name, selector), "not_found");
      removed = "retired";
    }
    await recordAudit(
      {
        actorId: input.actorId,
        action: "domain.dkim_remove",
        subjectType: "domain",
        subjectId: domain.id,
        before: { selector, kind: removed },
      },
      tx,
    );
    return { domain: name, selector, removed };
  });
}
