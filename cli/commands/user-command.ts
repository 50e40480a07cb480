import { createUser } from "../../server/users/create-user.ts";
import { listUsers } from "../../server/users/list-users.ts";
import { parseCommand, subcommand } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

export async function userCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("user", args, ["add", "list"]);
  if (verb === "list") {
    parseCommand(rest, {}, []);
    return withDatabase(async () => {
      const users = await listUsers();
      for (const u of users) console.log(`${u.email}\t${u.role}${u.disabled ? "\tdisabled" : ""}\t${u.name}`);
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
