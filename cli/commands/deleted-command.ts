// yubin deleted list|restore|retention|purge: deleted mail at the command
// line, through the same domain functions as the admin's recovery page.
//   list ADDRESS [--from TEXT] [--subject TEXT] [--since DATE] [--before DATE] [--json]
//   restore ADDRESS --message ID[,ID…] | --conversation ID
//   retention ADDRESS [DAYS|default]
//   purge            (what the background job does, now)
import { operatorMailbox } from "../../server/access/gate.ts";
import { InputError } from "../../server/errors.ts";
import { normalizeAddress } from "../../server/mailboxes/address.ts";
import { listDeletedMail } from "../../server/recovery/list-deleted-mail.ts";
import { purgeAllDeletedMail } from "../../server/recovery/purge-deleted-mail.ts";
import { restoreMail } from "../../server/recovery/restore-mail.ts";
import { deletedRetention, setDeletedRetention } from "../../server/recovery/set-retention.ts";
import { parseCommand, subcommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

async function mailboxByAddress(text: string) {
  const { address } = normalizeAddress(text);
  const id = await operatorMailbox(address);
  if (id === null) throw new InputError(`no mailbox ${address}`, "not_found");
  return { id, address };
}

function parseDate(flag: string, text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  // A date (taken as UTC midnight) or a full ISO timestamp.
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
    throw new InputError(`--${flag}: "${text}" is not a date (YYYY-MM-DD or an ISO timestamp)`);
  return date;
}

function parseIds(flag: string, text: string): number[] {
  const ids = text.split(",").map((s) => s.trim());
  for (const id of ids) {
    if (!/^[1-9]\d{0,9}$/.test(id) || Number(id) > 2_147_483_647)
      throw new InputError(`--${flag}: "${id}" is not an id`);
  }
  return ids.map(Number);
}

async function list(rest: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    rest,
    {
      from: { type: "string" },
      subject: { type: "string" },
      since: { type: "string" },
      before: { type: "string" },
      json: { type: "boolean" },
    },
    ["ADDRESS"],
  );
  const filter = {
    from: values.from,
    subject: values.subject,
    since: parseDate("since", values.since),
    before: parseDate("before", values.before),
  };
  return withDatabase(async () => {
    const mailbox = await mailboxByAddress(positionals[0] as string);
    const items = [];
    let after: { deletedAt: Date; messageId: number } | undefined;
    for (;;) {
      const page = await listDeletedMail({ mailboxIds: [mailbox.id], filter, after, limit: 200 });
      items.push(...page.items);
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    if (values.json) {
      console.log(JSON.stringify(items));
      return 0;
    }
    if (items.length === 0) {
      console.log(`${mailbox.address}: no deleted mail`);
      return 0;
    }
    for (const m of items) {
      const who = m.deletedBy ?? (m.deletedVia ? `(${m.deletedVia})` : "-");
      console.log(
        [
          m.messageId,
          m.deletedAt.toISOString(),
          who,
          m.fromAddress,
          m.subject,
          `conversation ${m.conversationId ?? "-"}`,
          `purged ${m.purgeAt.toISOString()}`,
        ].join("\t"),
      );
    }
    return 0;
  });
}

async function restore(rest: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    rest,
    { message: { type: "string" }, conversation: { type: "string" } },
    ["ADDRESS"],
  );
  if ((values.message === undefined) === (values.conversation === undefined))
    throw new UsageError("restore needs exactly one of --message ID[,ID…] and --conversation ID");
  const select =
    values.message !== undefined
      ? { messageIds: parseIds("message", values.message) }
      : { conversationId: parseIds("conversation", values.conversation as string)[0] as number };
  return withDatabase(async () => {
    const mailbox = await mailboxByAddress(positionals[0] as string);
    const result = await restoreMail({ mailboxId: mailbox.id, select, actorId: null });
    const conversations = result.restoredConversationIds.length
      ? `; conversation ${result.restoredConversationIds.join(", ")} is back`
      : "";
    console.log(`${mailbox.address}: restored ${result.restoredMessageIds.length} message(s)${conversations}`);
    return 0;
  });
}

async function retention(rest: string[]): Promise<number> {
  const { positionals } = parseCommand(rest, {}, rest.length === 2 ? ["ADDRESS", "DAYS"] : ["ADDRESS"]);
  const wanted = positionals[1];
  let days: number | null | undefined;
  if (wanted === "default") days = null;
  else if (wanted !== undefined) {
    if (!/^\d{1,6}$/.test(wanted)) throw new InputError(`"${wanted}" is not a number of days (or "default")`);
    days = Number(wanted);
  }
  return withDatabase(async () => {
    const mailbox = await mailboxByAddress(positionals[0] as string);
    const window =
      days === undefined
        ? await deletedRetention(mailbox.id)
        : await setDeletedRetention({ mailboxId: mailbox.id, days, actorId: null });
    const origin = window.isDefault ? " (the default)" : "";
    console.log(`${mailbox.address}: deleted mail is kept ${window.days} days${origin}`);
    return 0;
  });
}

async function purge(rest: string[]): Promise<number> {
  parseCommand(rest, {}, []);
  return withDatabase(async () => {
    const r = await purgeAllDeletedMail(new Date());
    console.log(
      `purged ${r.messages} message(s) past their retention window, ${r.conversations} conversation(s), ` +
        `${r.blobs} blob(s) (${r.freedBlobBytes} bytes freed)`,
    );
    return 0;
  });
}

export async function deletedCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("deleted", args, ["list", "restore", "retention", "purge"]);
  if (verb === "list") return list(rest);
  if (verb === "restore") return restore(rest);
  if (verb === "retention") return retention(rest);
  return purge(rest);
}
