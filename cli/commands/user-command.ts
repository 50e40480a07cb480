import { createUser } from "../../server/users/create-user.ts";
import { endSessions } from "../../server/users/end-sessions.ts";
import { listUsers } from "../../server/users/list-users.ts";
import { setUserDisabled } from "../../server/users/set-disabled.ts";
import { setPassword } from "../../server/users/set-password.ts";
import { parseCommand, subcommand } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

export async function userCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("user", args, ["add", "list", "disable", "enable", "reset-password", "end-sessions"]);
  if (verb === "list") {
    parseCommand(rest, {}, []);
    return withDatabase(async () => {
      const users = await listUsers();
      for (const u of users) console.log(`${u.email}\t${u.role}${u.disabled ? "\tdisabled" : ""}\t${u.name}`);
      return 0;
    });
  }
  if (verb === "disable" || verb === "enable") {
    const { positionals } = parseCommand(rest, {}, ["EMAIL"]);
    return withDatabase(async () => {
      const user = await setUserDisabled({
        user: { email: positionals[0] as string },
        disabled: verb === "disable",
        actorId: null,
      });
      console.log(`${user.disabled ? "disabled" : "enabled"} ${user.email}`);
      return 0;
    });
  }
  if (verb === "reset-password") {
    const { values, positionals } = parseCommand(rest, { password: { type: "string" } }, ["EMAIL"]);
    if (!values.password) {
      console.error("yubin: --password is required");
      return 2;
    }
    return withDatabase(async () => {
      await setPassword({
        user: { email: positionals[0] as string },
        password: values.password as string,
        actorId: null,
      });
      console.log(`new password set for ${(positionals[0] as string).trim().toLowerCase()}; their sessions ended`);
      return 0;
    });
  }
  if (verb === "end-sessions") {
    const { positionals } = parseCommand(rest, {}, ["EMAIL"]);
    return withDatabase(async () => {
      const { email } = await endSessions({ user: { email: positionals[0] as string }, actorId: null });
      console.log(`ended every session of ${email}`);
      return 0;
    });
  }
  const { values, positionals } = parseCommand(
    rest,
    { password: { type: "string" }, name: { type: "string" }, admin: { type: "boolean" } },
    ["EMAIL"],
  );
  if (!values.password) {
    console.error("yubin: --password is required");
    return 2;
  }
  const email = positionals[0] as string;
  return withDatabase(async () => {
    const { user, mailbox } = await createUser({
      email,
      password: values.password as string,
      name: values.name,
      role: values.admin ? "admin" : "agent",
      actorId: null,
    });
    console.log(`added ${user.role} ${user.email}${mailbox ? ` with personal mailbox ${mailbox.address}` : ""}`);
    return 0;
  });
}
