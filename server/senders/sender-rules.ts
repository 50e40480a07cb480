// A mailbox's blocked and allowed senders. "Block sender" puts an address or a whole domain
// on the mailbox's list; "Not spam" can remember the sender as allowed. The members of the
// mailbox manage the list (Settings), and every door that decides about spam asks it:
// inbound mail through the MX (deliver-inbound.ts), and an IMAP or POP3 door that moves
// mail out of Junk can call markNotSpam (not-spam.ts) like the web does.
//
// Blocked mail is stored as spam (the Spam folder; Junk with $Junk for IMAP clients), not
// refused at SMTP: a refusal tells the sender they are blocked, bounces are lost for good
// when a block was a mistake, and a member can still look in Spam and say "Not spam".
//
// Which rule wins: a rule for the exact address beats one for its domain (block the domain,
// allow one colleague there). The sender is the From header's address, which is what the
// agent sees; the envelope sender (MAIL FROM) is checked too, so a block of a bulk-mail
// domain holds whatever From it writes — unless the From address is itself allowed.
// An allow does not override DMARC: mail that fails DMARC (possibly forged) is spam whatever
// its From says, because anyone can write an allowed address there.
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { type RawSql, sql, sqlTransaction } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { MAX_DOMAIN_OCTETS, MAX_LOCAL_PART_OCTETS, MAX_SENDER_RULES } from "../limits.ts";

export type SenderRuleKind = "block" | "allow";

export interface SenderRule {
  id: number;
  pattern: string;
  kind: SenderRuleKind;
  createdAt: Date;
  createdBy: { id: number; name: string } | null;
}

const DOMAIN = /^(?=.{1,255}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** An address (ann@example.com) or a domain (example.com, or @example.com), lower-cased; else InputError. */
export function normalizeSenderPattern(raw: string): string {
  const text = raw.trim().toLowerCase().replace(/^@/, "");
  const at = text.lastIndexOf("@");
  const domain = at < 0 ? text : text.slice(at + 1);
  const local = at < 0 ? null : text.slice(0, at);
  const badLocal =
    local !== null &&
    (local.length === 0 || Buffer.byteLength(local) > MAX_LOCAL_PART_OCTETS || /[\s<>()[\]\\,;:@"]/.test(local));
  if (badLocal || Buffer.byteLength(domain) > MAX_DOMAIN_OCTETS || !DOMAIN.test(domain)) {
    throw new InputError("Enter an address (name@example.com) or a domain (example.com).");
  }
  return local === null ? domain : `${local}@${domain}`;
}

/** The address and its domain, each a pattern a rule could name; nothing for an empty or odd address. */
function candidates(address: string): string[] {
  const text = address.trim().toLowerCase();
  const at = text.lastIndexOf("@");
  if (at <= 0 || at === text.length - 1) return [];
  return [text, text.slice(at + 1)];
}

/**
 * Of the mailboxes given, those whose lists make this mail spam: some sender (the From
 * address, the envelope sender) resolves to a block, and the From address does not resolve
 * to an allow. One indexed query whatever the lists' sizes.
 */
export async function blockedMailboxes(
  tx: RawSql,
  input: { mailboxIds: readonly number[]; from: string; envelopeFrom?: string },
): Promise<Set<number>> {
  const from = candidates(input.from);
  const envelope = candidates(input.envelopeFrom ?? "");
  const patterns = [...new Set([...from, ...envelope])];
  if (patterns.length === 0 || input.mailboxIds.length === 0) return new Set();
  const rules = await tx.$queryRaw<{ mailboxId: number; pattern: string; kind: SenderRuleKind }[]>`
    select "mailboxId", pattern, kind::text as kind from "SenderRule"
    where "mailboxId" = any(${[...input.mailboxIds]}::int[]) and pattern = any(${patterns}::text[])`;
  const blocked = new Set<number>();
  for (const mailboxId of new Set(rules.map((r) => r.mailboxId))) {
    const mine = new Map(rules.filter((r) => r.mailboxId === mailboxId).map((r) => [r.pattern, r.kind]));
    // The most specific rule for one sender: its address, else its domain.
    const verdict = (c: string[]) => (c.length ? (mine.get(c[0] as string) ?? mine.get(c[1] as string)) : undefined);
    const fromVerdict = verdict(from);
    if (fromVerdict === "allow") continue;
    if (fromVerdict === "block" || verdict(envelope) === "block") blocked.add(mailboxId);
  }
  return blocked;
}

export async function listSenderRules(mailboxId: AuthorizedMailboxId): Promise<SenderRule[]> {
  const rows = await sql.$queryRaw<
    { id: number; pattern: string; kind: SenderRuleKind; createdAt: Date; userId: number | null; name: string | null }[]
  >`
    select r.id, r.pattern, r.kind::text as kind, r."createdAt", u.id as "userId", coalesce(nullif(u.name, ''), u.email) as name
    from "SenderRule" r left join "User" u on u.id = r."createdById"
    where r."mailboxId" = ${mailboxId}::int order by r.kind, r.pattern`;
  return rows.map((r) => ({
    id: r.id,
    pattern: r.pattern,
    kind: r.kind,
    createdAt: r.createdAt,
    createdBy: r.userId !== null ? { id: r.userId, name: r.name ?? "" } : null,
  }));
}

/** Blocks or allows a sender (replacing the other kind of rule for the same pattern); audited. */
export async function setSenderRule(input: {
  mailboxId: AuthorizedMailboxId;
  pattern: string;
  kind: SenderRuleKind;
  actorId: number | null;
  ip?: string | null;
}): Promise<SenderRule> {
  const pattern = normalizeSenderPattern(input.pattern);
  return sqlTransaction((tx) => setSenderRuleTx(tx, { ...input, pattern }));
}

/** The same inside the caller's transaction (Block sender and Not spam change the conversation too). */
export async function setSenderRuleTx(
  tx: RawSql,
  input: {
    mailboxId: AuthorizedMailboxId;
    pattern: string;
    kind: SenderRuleKind;
    actorId: number | null;
    ip?: string | null;
  },
): Promise<SenderRule> {
  const pattern = normalizeSenderPattern(input.pattern);
  await tx.$queryRaw`select pg_advisory_xact_lock(hashtext(${`yubin.sender-rules:${input.mailboxId}`}))::text`;
  const [{ count } = { count: 0 }] = await tx.$queryRaw<{ count: number }[]>`
    select count(*)::int as count from "SenderRule" where "mailboxId" = ${input.mailboxId}::int and pattern <> ${pattern}`;
  if (count >= MAX_SENDER_RULES) {
    throw new InputError(`A mailbox has at most ${MAX_SENDER_RULES} blocked and allowed senders.`);
  }
  const [before] = await tx.$queryRaw<{ kind: SenderRuleKind }[]>`
    select kind::text as kind from "SenderRule" where "mailboxId" = ${input.mailboxId}::int and pattern = ${pattern}`;
  const [row] = await tx.$queryRaw<{ id: number; createdAt: Date }[]>`
    insert into "SenderRule" ("mailboxId", pattern, kind, "createdById")
    values (${input.mailboxId}::int, ${pattern}, ${input.kind}::"SenderRuleKind", ${input.actorId}::int)
    on conflict ("mailboxId", pattern) do update set kind = excluded.kind, "createdById" = excluded."createdById",
      "createdAt" = case when "SenderRule".kind = excluded.kind then "SenderRule"."createdAt" else now() end
    returning id, "createdAt"`;
  if (before?.kind !== input.kind) {
    await tx.$queryRaw`
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, after, ip)
      values (${input.actorId}::int, ${`sender.${input.kind}`}, 'mailbox', ${String(input.mailboxId)},
        ${before ? JSON.stringify({ pattern, kind: before.kind }) : null}::jsonb,
        ${JSON.stringify({ pattern, kind: input.kind })}::jsonb, ${input.ip ?? null}::text)`;
  }
  const { id, createdAt } = row as { id: number; createdAt: Date };
  return { id, pattern, kind: input.kind, createdAt, createdBy: null };
}

/** Takes a sender off the mailbox's list; audited. */
export async function removeSenderRule(input: {
  mailboxId: AuthorizedMailboxId;
  ruleId: number;
  actorId: number | null;
  ip?: string | null;
}): Promise<void> {
  await sqlTransaction(async (tx) => {
    const [gone] = await tx.$queryRaw<{ pattern: string; kind: SenderRuleKind }[]>`
      delete from "SenderRule" where id = ${input.ruleId}::int and "mailboxId" = ${input.mailboxId}::int
      returning pattern, kind::text as kind`;
    if (!gone) throw new InputError("No such sender on this mailbox's list.", "not_found");
    await tx.$queryRaw`
      insert into "AuditEvent" ("actorId", action, "subjectType", "subjectId", before, ip)
      values (${input.actorId}::int, 'sender.remove', 'mailbox', ${String(input.mailboxId)},
        ${JSON.stringify(gone)}::jsonb, ${input.ip ?? null}::text)`;
  });
}
