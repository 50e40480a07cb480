import { approvalMembers } from "../../server/approval/approval-members.ts";
import { changeMembers } from "../../server/mailboxes/change-members.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { listMailboxes } from "../../server/mailboxes/list-mailboxes.ts";
import { getPop3OnDelete, parsePop3OnDelete, setPop3OnDelete } from "../../server/mailboxes/pop3-policy.ts";
import { formatSize, parseSize } from "../../server/mailboxes/quota-size.ts";
import { parseCommand, subcommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";
import { mailboxQuotaCommand } from "./mailbox-quota-command.ts";

export async function mailboxCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("mailbox", args, ["add", "quota", "list", "pop3", "members"]);
  if (verb === "members") return membersCommand(rest);
  if (verb === "list") {
    parseCommand(rest, {}, []);
    return withDatabase(async () => {
      const mailboxes = await listMailboxes();
      for (const m of mailboxes) {
        console.log(
          `${m.address}\t${m.kind}\t${formatSize(m.usedBytes)} of ${formatSize(m.quotaBytes)}\t${m.usedMessages} messages`,
        );
      }
      return 0;
    });
  }
  if (verb === "pop3") {
    // What a POP3 client's DELE does here: keep (hidden from that login only) or delete (expunged at QUIT).
    const { values, positionals } = parseCommand(rest, { "on-delete": { type: "string" } }, ["ADDRESS"]);
    const address = positionals[0] as string;
    const wanted = values["on-delete"];
    const onDelete = wanted === undefined ? undefined : parsePop3OnDelete(wanted);
    return withDatabase(async () => {
      if (onDelete === undefined) {
        const current = await getPop3OnDelete(address);
        const origin = current.explicit ? "set by an admin" : `the default for ${current.kind} mailboxes`;
        console.log(`${current.address}: POP3 DELE ${describePolicy(current.onDelete)} (${origin})`);
        return 0;
      }
      const updated = await setPop3OnDelete({ address, onDelete, actorId: null });
      console.log(`${updated.address}: POP3 DELE now ${describePolicy(updated.onDelete)}`);
      return 0;
    });
  }
  if (verb === "quota") return mailboxQuotaCommand(rest);
  const { values, positionals } = parseCommand(
    rest,
    { quota: { type: "string" }, shared: { type: "boolean" }, members: { type: "string" }, name: { type: "string" } },
    ["ADDRESS"],
  );
  const quotaBytes = values.quota === undefined ? null : parseSize(values.quota);
  const memberEmails = (values.members ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return withDatabase(async () => {
    const mailbox = await createMailbox({
      address: positionals[0] as string,
      kind: values.shared ? "shared" : "personal",
      displayName: values.name,
      quotaBytes,
      memberEmails,
      actorId: null,
    });
    const who = memberEmails.length ? `, members ${memberEmails.join(", ")}` : "";
    console.log(`added ${mailbox.kind} mailbox ${mailbox.address} (quota ${formatSize(mailbox.quotaBytes)}${who})`);
    return 0;
  });
}

function describePolicy(onDelete: "keep" | "delete"): string {
  return onDelete === "keep"
    ? "keeps the message (hidden from that login's later POP3 sessions only)"
    : "deletes the message at QUIT";
}

const emailList = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** `yubin mailbox members ADDRESS [--add a@x,… [--needs-approval] [--reviewer]] [--remove b@x,…]`; without changes, lists them. */
async function membersCommand(rest: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    rest,
    {
      add: { type: "string" },
      remove: { type: "string" },
      "needs-approval": { type: "boolean" },
      reviewer: { type: "boolean" },
    },
    ["ADDRESS"],
  );
  const address = positionals[0] as string;
  const add = emailList(values.add);
  const remove = emailList(values.remove);
  if ((values["needs-approval"] || values.reviewer) && add.length === 0) {
    throw new UsageError("--needs-approval and --reviewer apply to the members given with --add");
  }
  return withDatabase(async () => {
    if (add.length === 0 && remove.length === 0) {
      const mailbox = (await listMailboxes()).find((m) => m.address === address.trim().toLowerCase());
      if (!mailbox) {
        console.error(`yubin: no mailbox ${address.trim().toLowerCase()}`);
        return 1;
      }
      for (const m of await approvalMembers(mailbox.id)) {
        const roles = [m.needsApproval ? "needs-approval" : "", m.reviewer ? "reviewer" : ""].filter(Boolean);
        console.log(`${m.email}${roles.length ? `\t${roles.join(",")}` : ""}`);
      }
      return 0;
    }
    const changed = await changeMembers({
      mailbox: { address },
      add: add.map((email) => ({ email, needsApproval: !!values["needs-approval"], reviewer: !!values.reviewer })),
      remove,
      actorId: null,
    });
    const parts = [
      changed.added.length ? `added ${changed.added.join(", ")}` : "",
      changed.removed.length ? `removed ${changed.removed.join(", ")}` : "",
    ].filter(Boolean);
    console.log(`${changed.address}: ${parts.join("; ")}; members now ${changed.members.join(", ") || "none"}`);
    return 0;
  });
}
