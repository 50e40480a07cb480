// Deleted-mail recovery seen through POP3 (the PostgreSQL adapter): mail
// deleted in the browser is gone from the next session's maildrop; DELE then
// QUIT under the `delete` policy goes through the same deletion and leaves
// restorable deleted mail; a restore puts it back in the maildrop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMailbox } from "../../../server/access/gate.ts";
import { db } from "../../../server/db.ts";
import { deleteMail } from "../../../server/recovery/delete-mail.ts";
import { listDeletedMail } from "../../../server/recovery/list-deleted-mail.ts";
import { restoreMail } from "../../../server/recovery/restore-mail.ts";
import { plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";

const ADDRESS = "dora@example.com";
const PASSWORD = "dora's secret password";
let fixture: Pop3Fixture;
let servers: Pop3TestServers;

beforeAll(async () => {
  fixture = await createPop3Fixture("postgres");
  servers = await startPop3TestServers(fixture);
  await fixture.addMailbox(ADDRESS, PASSWORD, "delete");
});

afterAll(async () => {
  await servers?.close();
  await fixture?.close();
});

/** One session: log in, run `commands`, QUIT; the replies in order. */
async function session(commands: string[]): Promise<string[]> {
  const { client } = await Pop3Client.connect(servers.plain.port);
  try {
    const replies = [await client.send(`USER ${ADDRESS}`), await client.send(`PASS ${PASSWORD}`)];
    expect(replies[1]).toMatch(/^\+OK/);
    for (const command of commands) replies.push(await client.send(command));
    replies.push(await client.send("QUIT"));
    return replies.slice(2);
  } finally {
    client.close();
  }
}

async function count(): Promise<number> {
  const [stat] = await session(["STAT"]);
  const m = /^\+OK (\d+) /.exec(stat ?? "");
  if (!m) throw new Error(`STAT answered ${stat}`);
  return Number(m[1]);
}

async function dora() {
  const user = await db().user.findUniqueOrThrow({ where: { email: ADDRESS } });
  const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: ADDRESS } });
  const mailboxId = await authorizeMailbox({ userId: user.id, mailboxId: mailbox.id });
  if (!mailboxId) throw new Error("no mailbox");
  return { userId: user.id, mailboxId };
}

describe("POP3 and deleted mail", () => {
  it("drops mail deleted in the browser, keeps a DELE as deleted mail, and serves a restore again", async () => {
    for (const subject of ["one", "two", "three"]) await fixture.deliver(ADDRESS, plainMessage(subject));
    expect(await count()).toBe(3);
    const { userId, mailboxId } = await dora();
    const two = await db().message.findFirstOrThrow({ where: { mailboxId, subject: "two" } });

    await deleteMail({ mailboxId, select: { messageIds: [two.id] }, actorId: userId, door: "web" });
    expect(await count()).toBe(2);

    // DELE 1 then QUIT: the `delete` policy expunges it through the one deletion path.
    const [dele, stat] = await session(["DELE 1", "STAT"]);
    expect(dele).toMatch(/^\+OK/);
    expect(stat).toMatch(/^\+OK 1 /);
    expect(await count()).toBe(1);

    const deleted = await listDeletedMail({ mailboxIds: [mailboxId], filter: {} });
    expect(deleted.items.map((i) => [i.subject, i.deletedVia]).sort()).toEqual([
      ["one", "pop3"],
      ["two", "web"],
    ]);
    await restoreMail({ mailboxId, select: { messageIds: deleted.items.map((i) => i.messageId) }, actorId: userId });
    expect(await count()).toBe(3);
  });
});
