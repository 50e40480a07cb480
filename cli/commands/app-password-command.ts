// `yubin app-password add EMAIL [--mailbox ADDRESS] [--label L]` (prints the
// secret once), `yubin app-password list EMAIL`, `yubin app-password revoke ID`.
import { createAppPassword, listAppPasswords, revokeAppPassword } from "../../server/auth/app-passwords.ts";
import { parseCommand, subcommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

const when = (d: Date | null) => (d ? d.toISOString() : "never");

export async function appPasswordCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("app-password", args, ["add", "list", "revoke"]);
  if (verb === "add") {
    const { values, positionals } = parseCommand(rest, { mailbox: { type: "string" }, label: { type: "string" } }, [
      "EMAIL",
    ]);
    return withDatabase(async () => {
      const { info, secret, login } = await createAppPassword({
        userEmail: positionals[0] as string,
        mailboxAddress: values.mailbox,
        label: values.label,
        actorId: null,
      });
      const scope = info.mailboxAddress ? `, only for mailbox ${info.mailboxAddress}` : "";
      console.log(`added app password ${info.id} for ${info.userEmail} ("${info.label}"${scope})`);
      console.log(`login:    ${login}`);
      console.log(`password: ${secret}`);
      console.log(`The password is shown only this once; revoke it with: yubin app-password revoke ${info.id}`);
      return 0;
    });
  }
  if (verb === "list") {
    const { positionals } = parseCommand(rest, {}, ["EMAIL"]);
    return withDatabase(async () => {
      const entries = await listAppPasswords(positionals[0] as string);
      if (entries.length === 0) console.log(`${positionals[0]} has no app passwords`);
      for (const e of entries) {
        console.log(
          [
            e.id,
            e.label,
            e.mailboxAddress ? `mailbox ${e.mailboxAddress}` : "all mailboxes",
            `created ${when(e.createdAt)}`,
            `last used ${when(e.lastUsedAt)}`,
            e.revokedAt ? `revoked ${when(e.revokedAt)}` : "active",
          ].join("\t"),
        );
      }
      return 0;
    });
  }
  const { positionals } = parseCommand(rest, {}, ["ID"]);
  const id = Number(positionals[0]);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError(`"${positionals[0]}" is not an app password id`);
  return withDatabase(async () => {
    const result = await revokeAppPassword({ id, actorId: null });
    console.log(
      result.alreadyRevoked
        ? `app password ${id} was already revoked (${when(result.revokedAt)})`
        : `revoked app password ${id}`,
    );
    return 0;
  });
}
