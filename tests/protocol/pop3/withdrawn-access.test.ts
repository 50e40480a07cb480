// A POP3 session already open when its user is disabled, or removed from the
// shared mailbox it logged in to: the next RETR or TOP is refused, and QUIT
// deletes nothing (RFC 1939 §6: "-ERR some deleted messages not removed"),
// because the store backend asks the authority gate again before each. The
// session keeps the gate's answer until a yubin_access notice names the user
// (server/access/login-access.ts); a change made in this process reaches
// the next command even before that notice comes back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../../server/db.ts";
import { changeMembers } from "../../../server/mailboxes/change-members.ts";
import { accessWatch } from "../../../server/realtime/access-watch.ts";
import { setUserDisabled } from "../../../server/users/set-disabled.ts";
import { plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";

let fixture: Pop3Fixture;
let servers: Pop3TestServers;

beforeAll(async () => {
  fixture = await createPop3Fixture("postgres");
  await fixture.addMailbox("dana@example.com", "dana password 1", "delete");
  await fixture.addSharedMailbox("desk@example.com", "delete");
  await fixture.deliver("dana@example.com", plainMessage("one"));
  await fixture.deliver("dana@example.com", plainMessage("two"));
  await fixture.deliver("desk@example.com", plainMessage("shared"));
  servers = await startPop3TestServers(fixture);
  // Sessions keep the gate's answer only once the process listens for access notices: wait, so
  // that what is tested below is the kept answer being dropped, not a lookup per command.
  await accessWatch().ready();
});

afterAll(async () => {
  await servers?.close();
  await fixture?.close();
});

async function logIn(user: string, pass: string): Promise<Pop3Client> {
  const { client } = await Pop3Client.connect(servers.plain.port);
  expect(await client.send(`USER ${user}`)).toMatch(/^\+OK/);
  expect(await client.send(`PASS ${pass}`)).toMatch(/^\+OK/);
  return client;
}

describe("POP3 access withdrawn mid-session", () => {
  it("a disabled user's open session can no longer read or delete", async () => {
    const client = await logIn("dana@example.com", "dana password 1");
    expect((await client.sendMulti("RETR 1")).first).toMatch(/^\+OK/);
    expect(await client.send("DELE 1")).toMatch(/^\+OK/);
    await setUserDisabled({ user: { email: "dana@example.com" }, disabled: true, actorId: null });
    expect(await client.send("RETR 2")).toMatch(/^-ERR/);
    expect(await client.send("TOP 2 0")).toMatch(/^-ERR/);
    expect(await client.send("QUIT")).toMatch(/^-ERR \[SYS\/TEMP\] Some deleted messages not removed/);
    expect(await fixture.stored("dana@example.com")).toHaveLength(2);
    await setUserDisabled({ user: { email: "dana@example.com" }, disabled: false, actorId: null });
  });

  it("a member removed from the shared mailbox can no longer read it", async () => {
    const secret = await fixture.addAppPassword("desk@example.com");
    const client = await logIn("desk@example.com", secret);
    expect((await client.sendMulti("RETR 1")).first).toMatch(/^\+OK/);
    const member = await db().membership.findFirstOrThrow({
      where: { mailbox: { address: "desk@example.com" } },
      include: { user: true },
    });
    await changeMembers({
      mailbox: { address: "desk@example.com" },
      remove: [member.user?.email ?? ""],
      actorId: null,
    });
    expect(await client.send("RETR 1")).toMatch(/^-ERR/);
    client.close();
  });
});
