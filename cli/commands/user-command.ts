import { loadEnv } from "../../server/env.ts";
import { createUser } from "../../server/users/create-user.ts";
import { editUser } from "../../server/users/edit-user.ts";
import { endSessions } from "../../server/users/end-sessions.ts";
import { listUsers } from "../../server/users/list-users.ts";
import { inviteUser, issueResetLink, passwordLinkPath } from "../../server/users/password-links.ts";
import { removeUser } from "../../server/users/remove-user.ts";
import { setUserDisabled } from "../../server/users/set-disabled.ts";
import { setPassword } from "../../server/users/set-password.ts";
import { parseCommand, subcommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

const VERBS = ["add", "invite", "list", "edit", "disable", "enable", "remove", "reset-password", "end-sessions"];

/** Where the web app is reached, for the one-time links printed here. */
function linkTo(token: string): string {
  const env = loadEnv();
  const base = env.YUBIN_PUBLIC_URL ?? `http://${env.YUBIN_HOSTNAME}:${env.YUBIN_HTTP_PORT}`;
  return `${base.replace(/\/$/, "")}${passwordLinkPath(token)}`;
}

export async function userCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("user", args, VERBS);
  if (verb === "list") {
    parseCommand(rest, {}, []);
    return withDatabase(async () => {
      const users = await listUsers();
      for (const u of users) {
        const state = u.disabled ? "\tdisabled" : u.invited ? "\tinvited" : "";
        const last = u.lastSignInAt ? `\tlast sign-in ${u.lastSignInAt.toISOString()}` : "";
        console.log(`${u.email}\t${u.role}${state}\t${u.name}${last}`);
      }
      return 0;
    });
  }
  if (verb === "edit") {
    const { values, positionals } = parseCommand(rest, { name: { type: "string" }, role: { type: "string" } }, [
      "EMAIL",
    ]);
    if (values.role !== undefined && values.role !== "admin" && values.role !== "agent") {
      throw new UsageError(`--role is admin or agent, not "${values.role}"`);
    }
    if (values.name === undefined && values.role === undefined) throw new UsageError("give --name or --role");
    return withDatabase(async () => {
      const user = await editUser({
        user: { email: positionals[0] as string },
        name: values.name,
        role: values.role as "admin" | "agent" | undefined,
        actorId: null,
      });
      console.log(`${user.email}: ${user.role}, name ${user.name}`);
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
  if (verb === "remove") {
    const { values, positionals } = parseCommand(
      rest,
      { "keep-mailbox": { type: "boolean" }, "hand-to": { type: "string" } },
      ["EMAIL"],
    );
    if (values["keep-mailbox"] && values["hand-to"] !== undefined) {
      throw new UsageError("give --keep-mailbox or --hand-to EMAIL, not both");
    }
    const mailbox = values["keep-mailbox"]
      ? { keep: true as const }
      : values["hand-to"] !== undefined
        ? { handTo: { email: values["hand-to"] } }
        : undefined;
    return withDatabase(async () => {
      const removed = await removeUser({ user: { email: positionals[0] as string }, mailbox, actorId: null });
      const fate = removed.mailbox
        ? removed.handedTo
          ? `; ${removed.mailbox} handed to ${removed.handedTo}`
          : `; ${removed.mailbox} kept as a shared mailbox`
        : "";
      console.log(`removed ${removed.email}${fate}`);
      return 0;
    });
  }
  if (verb === "reset-password") {
    const { values, positionals } = parseCommand(rest, { password: { type: "string" }, link: { type: "boolean" } }, [
      "EMAIL",
    ]);
    if (values.password === undefined && !values.link) throw new UsageError("give --password PW or --link");
    if (values.password !== undefined && values.link) throw new UsageError("give --password PW or --link, not both");
    return withDatabase(async () => {
      if (values.link) {
        const link = await issueResetLink({ user: { email: positionals[0] as string }, actorId: null });
        console.log(`one-time link for ${link.email} (until ${link.expiresAt.toISOString()}):`);
        console.log(linkTo(link.token));
        return 0;
      }
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
  if (verb === "invite") {
    const { values, positionals } = parseCommand(rest, { name: { type: "string" }, admin: { type: "boolean" } }, [
      "EMAIL",
    ]);
    return withDatabase(async () => {
      const invited = await inviteUser({
        email: positionals[0] as string,
        name: values.name,
        role: values.admin ? "admin" : "agent",
        actorId: null,
      });
      const mailbox = invited.mailbox ? ` with personal mailbox ${invited.mailbox}` : "";
      console.log(
        `invited ${invited.user.role} ${invited.user.email}${mailbox}; one-time link to set a password (until ${invited.expiresAt.toISOString()}):`,
      );
      console.log(linkTo(invited.token));
      return 0;
    });
  }
  const { values, positionals } = parseCommand(
    rest,
    { password: { type: "string" }, name: { type: "string" }, admin: { type: "boolean" } },
    ["EMAIL"],
  );
  if (!values.password) {
    console.error("yubin: --password is required (or use yubin user invite EMAIL for a one-time link)");
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
