// yubin user edit|disable|enable|remove|reset-password|invite and
// yubin mailbox members. Process starts are the cost here, so the fixtures
// are made through the domain functions, one command runs as a real `yubin`
// process and the others run the same command code in this process
// (runCliInProcess), each on its own user or mailbox.
import { beforeAll, describe, expect, it } from "vitest";
import { verifyCredentials } from "../../server/auth/verify-credentials.ts";
import { db } from "../../server/db.ts";
import { peekPasswordLink } from "../../server/users/password-links.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeDomain, makeSharedMailbox, makeUser, TEST_PASSWORD } from "../support/factories.ts";

let env: Record<string, string>;

beforeAll(async () => {
  env = { DATABASE_URL: await useTestDatabase(), YUBIN_PUBLIC_URL: "https://mail.example.com" };
  await makeDomain();
  await makeUser("root@example.com", { admin: true });
  for (const who of ["ed", "dee", "rob", "heir", "rae", "mo", "nia"]) await makeUser(`${who}@example.com`);
  await makeSharedMailbox("team@example.com", ["mo@example.com"]);
});

describe("yubin user and yubin mailbox members", () => {
  it("edit, disable, remove, reset-password --link, invite and members, then enable and list", async () => {
    const [edit, disable, remove, reset, invite, members, noChoice, lastAdmin] = await Promise.all([
      // root@ stays the only admin throughout, so the last-admin refusal below cannot race a promotion.
      runCli(["user", "edit", "ED@example.com", "--name", "Ed Sato", "--role", "agent"], env),
      runCliInProcess(["user", "disable", "dee@example.com"], env),
      runCliInProcess(["user", "remove", "rob@example.com", "--hand-to", "heir@example.com"], env),
      runCliInProcess(["user", "reset-password", "rae@example.com", "--link"], env),
      runCliInProcess(["user", "invite", "new@example.com", "--name", "New One"], env),
      runCliInProcess(
        [
          "mailbox",
          "members",
          "team@example.com",
          "--add",
          "nia@example.com",
          "--reviewer",
          "--remove",
          "mo@example.com",
        ],
        env,
      ),
      runCliInProcess(["user", "remove", "nia@example.com"], env),
      runCliInProcess(["user", "edit", "root@example.com", "--role", "agent"], env),
    ]);
    for (const ok of [edit, disable, remove, reset, invite, members]) expect(ok.code, ok.stderr).toBe(0);
    expect(edit.stdout).toBe("ed@example.com: agent, name Ed Sato\n");
    expect(disable.stdout).toBe("disabled dee@example.com\n");
    expect(remove.stdout).toBe("removed rob@example.com; rob@example.com handed to heir@example.com\n");
    expect(members.stdout).toBe(
      "team@example.com: added nia@example.com; removed mo@example.com; members now nia@example.com\n",
    );

    // The one-time links are printed with the public URL, and work.
    const resetToken = /^https:\/\/mail\.example\.com\/set-password#([\w-]+)$/m.exec(reset.stdout)?.[1] ?? "";
    expect(await peekPasswordLink(resetToken)).toEqual({ email: "rae@example.com", purpose: "reset" });
    const inviteToken = /^https:\/\/mail\.example\.com\/set-password#([\w-]+)$/m.exec(invite.stdout)?.[1] ?? "";
    expect(await peekPasswordLink(inviteToken)).toEqual({ email: "new@example.com", purpose: "invite" });
    expect(invite.stdout).toContain("invited agent new@example.com with personal mailbox new@example.com");

    // Errors are one line, exit 1 for bad input and 2 for bad usage.
    expect(noChoice.code).toBe(1);
    expect(noChoice.stderr).toBe(
      "yubin: Choose what happens to the personal mailbox: keep it or hand it to another user.\n",
    );
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toMatch(/^yubin: The last admin cannot be disabled, demoted or removed/);

    expect(await db().user.findUniqueOrThrow({ where: { email: "ed@example.com" } })).toMatchObject({
      name: "Ed Sato",
      role: "agent",
    });
    expect((await verifyCredentials({ email: "dee@example.com", password: TEST_PASSWORD })).ok).toBe(false);
    const robBox = await db().mailbox.findUniqueOrThrow({
      where: { address: "rob@example.com" },
      include: { memberships: { include: { user: true } } },
    });
    expect(robBox.kind).toBe("shared");
    expect(robBox.memberships.map((m) => m.user?.email)).toEqual(["heir@example.com"]);
    const actions = (await db().auditEvent.findMany({ where: { actorId: null }, select: { action: true } })).map(
      (a) => a.action,
    );
    for (const action of [
      "user.edit",
      "user.disable",
      "user.remove",
      "user.reset_link",
      "user.invite",
      "mailbox.members",
    ]) {
      expect(actions).toContain(action);
    }

    const [enable, list, listMembers] = await Promise.all([
      runCliInProcess(["user", "enable", "dee@example.com"], env),
      runCliInProcess(["user", "list"], env),
      runCliInProcess(["mailbox", "members", "team@example.com"], env),
    ]);
    expect(enable.stdout).toBe("enabled dee@example.com\n");
    expect((await verifyCredentials({ email: "dee@example.com", password: TEST_PASSWORD })).ok).toBe(true);
    expect(list.stdout).toMatch(/^new@example\.com\tagent\tinvited\tNew One$/m);
    expect(list.stdout).not.toContain("rob@example.com");
    expect(listMembers.stdout).toBe("nia@example.com\treviewer\n");
  }, 240_000);
});
