// Quota warnings: when a delivery takes a mailbox's usage to one of its
// thresholds (80 % and 95 % unless an admin changed them), the owner — or,
// for a shared mailbox, every enabled member — gets ONE notice mail. The
// mailbox remembers the highest threshold noticed (quotaWarnedPercent); a
// trigger lowers it when usage falls back below (a deletion, a recount, a
// larger quota; migration mailbox_quota_warnings), so only a new crossing
// sends again. The claim is one conditional UPDATE: of any number of parallel
// deliveries that cross together, exactly one sends.
import addressparser from "nodemailer/lib/addressparser/index.js";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { MAILBOX_ACCESS } from "../access/gate.ts";
import type { RawSql } from "../db/raw-sql.ts";
import { formatSize } from "../mailboxes/quota-size.ts";

interface Crossing {
  id: number;
  address: string;
  kind: "personal" | "shared";
  level: number;
  usedBytes: bigint;
  quotaBytes: bigint | null;
  usedMessages: number;
  quotaMessages: number | null;
}

/** A notice to deliver: into the recipients' own mailboxes, or by mail to those without one here. */
export interface QuotaNotice {
  level: number;
  raw: Buffer;
  localMailboxIds: number[];
  remoteRecipients: string[];
}

/**
 * Claims the crossing and writes its notice; null when another delivery
 * claimed it, or nobody is there to tell. The store (mail-store/store-message.ts)
 * delivers the notice in the same transaction as the mail that crossed.
 */
export async function claimQuotaNotice(
  tx: RawSql,
  input: { mailboxId: number; now: Date },
): Promise<QuotaNotice | null> {
  // READ COMMITTED re-evaluates the WHERE on the newest row after a lock wait:
  // a second delivery that crossed at the same time finds the level claimed.
  const [crossing] = await tx.$queryRaw<Crossing[]>`
    update "Mailbox" set "quotaWarnedPercent" =
      yubin_quota_level("usedBytes", "quotaBytes", "usedMessages", "quotaMessages", "quotaWarnPercents")
    where id = ${input.mailboxId}::int
      and yubin_quota_level("usedBytes", "quotaBytes", "usedMessages", "quotaMessages", "quotaWarnPercents")
        > "quotaWarnedPercent"
    returning id, address, kind::text as kind, "quotaWarnedPercent" as level, "usedBytes", "quotaBytes",
      "usedMessages", "quotaMessages"`;
  if (!crossing) return null;
  const recipients = await noticeRecipients(tx, crossing);
  if (recipients.length === 0) return null;
  return {
    level: crossing.level,
    raw: await noticeMessage(
      crossing,
      recipients.map((r) => r.email),
      input.now,
    ),
    localMailboxIds: recipients.flatMap((r) => (r.mailboxId === null ? [] : [r.mailboxId])),
    remoteRecipients: recipients.filter((r) => r.mailboxId === null).map((r) => r.email),
  };
}

/** The owner of a personal mailbox, or the enabled members of a shared one, with their own mailbox if they have one. */
async function noticeRecipients(
  tx: RawSql,
  crossing: Crossing,
): Promise<{ email: string; mailboxId: number | null }[]> {
  if (crossing.kind === "personal") return [{ email: crossing.address, mailboxId: crossing.id }];
  return tx.$queryRaw`
    select u.email, (select p.id from "Mailbox" p where p."userId" = u.id) as "mailboxId"
    from "User" u
    where not u.disabled
      and exists (select 1 from ${MAILBOX_ACCESS} a where a."mailboxId" = ${crossing.id}::int and a."userId" = u.id)
    order by u.id`;
}

function usageLine(crossing: Crossing): { en: string; ja: string } {
  const parts: { en: string[]; ja: string[] } = { en: [], ja: [] };
  if (crossing.quotaBytes !== null) {
    const used = formatSize(Number(crossing.usedBytes));
    const quota = formatSize(Number(crossing.quotaBytes));
    parts.en.push(`${used} of ${quota}`);
    parts.ja.push(`${quota} 中 ${used}`);
  }
  if (crossing.quotaMessages !== null) {
    parts.en.push(`${crossing.usedMessages} of ${crossing.quotaMessages} messages`);
    parts.ja.push(`${crossing.quotaMessages} 通中 ${crossing.usedMessages} 通`);
  }
  return { en: parts.en.join(", "), ja: parts.ja.join("、") };
}

async function noticeMessage(crossing: Crossing, to: string[], now: Date): Promise<Buffer> {
  const domain = crossing.address.slice(crossing.address.lastIndexOf("@") + 1);
  const usage = usageLine(crossing);
  const text = [
    `The mailbox ${crossing.address} has reached ${crossing.level}% of its quota (${usage.en}).`,
    "When it is full, new mail to it is refused (senders are told to try again later).",
    "Delete or archive old mail, or ask an administrator for a larger quota.",
    "",
    `メールボックス ${crossing.address} の使用量が容量制限の ${crossing.level}% に達しました（${usage.ja}）。`,
    "満杯になると新しいメールは受け取れません（送信者には後で再送するよう伝えられます）。",
    "古いメールを削除するか、管理者に容量の拡大を依頼してください。",
  ].join("\n");
  const composer = new MailComposer({
    from: { name: "Yubin", address: `postmaster@${domain}` },
    to: addressparser(to.join(", "), { flatten: true }),
    subject: `Mailbox ${crossing.address} is ${crossing.level}% full / 容量の ${crossing.level}% に達しました`,
    text,
    date: now,
    headers: { "Auto-Submitted": "auto-generated", "X-Yubin-Quota-Warning": String(crossing.level) },
  });
  return composer.compile().build();
}
