// A protocol session's standing with the authority gate
// (server/access/login-access.ts): the gate's answer is kept while no
// yubin_access notice names the user and the LISTEN connection stays up, and
// asked again after either; a change made in this process is seen by the
// very next call, even before its notice has come back.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginAccess, listenForAccessChanges } from "../../server/access/login-access.ts";
import { sql } from "../../server/db/raw-sql.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { changeMembers } from "../../server/mailboxes/change-members.ts";
import { notifyAccessChanged } from "../../server/realtime/access-events.ts";
import { ACCESS_WATCH_APPLICATION, AccessWatch, accessWatch } from "../../server/realtime/access-watch.ts";
import { setUserDisabled } from "../../server/users/set-disabled.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { waitFor } from "../support/wait.ts";

let release: () => Promise<void>;
/** Another process's connection: its NOTIFYs carry no token of this process. */
let elsewhere: pg.Client;
let desk = 0;
const users: Record<string, number> = {};

beforeAll(async () => {
  const url = await useTestDatabase();
  await makeDomain();
  for (const name of ["ann", "ben", "cy", "dee", "eve", "fay"]) users[name] = await makeUser(`${name}@example.com`);
  desk = await makeSharedMailbox(
    "desk@example.com",
    Object.keys(users).map((name) => `${name}@example.com`),
  );
  release = listenForAccessChanges(url);
  await accessWatch().ready();
  elsewhere = new pg.Client({ connectionString: url });
  await elsewhere.connect();
});

afterAll(async () => {
  await elsewhere?.end();
  await release?.();
  await disconnectDb();
});

const idOf = (name: string) => users[name] as number;

/** Disables the user behind the gate's back: no notice, as a change that forgot to send one would. */
async function disableSilently(userId: number, disabled = true): Promise<void> {
  await elsewhere.query(`update "User" set disabled = $2 where id = $1`, [userId, disabled]);
}

/**
 * Keeps the watch's LISTEN connection busy for a while: PostgreSQL holds a
 * connection's notices until it is idle, so a notice sent meanwhile arrives
 * late, as it may on a busy machine.
 */
function deafen(seconds: number): Promise<unknown> {
  const client = (accessWatch() as unknown as { client: pg.Client }).client;
  return client.query(`select pg_sleep(${seconds})`);
}

async function noticeFromElsewhere(userIds: number[]): Promise<void> {
  await elsewhere.query("select pg_notify('yubin_access', $1)", [JSON.stringify({ userIds })]);
}

describe("a session's kept verdict", () => {
  it("is kept while no notice names the user, and asked again after one from another process", async () => {
    const ann = idOf("ann");
    const access = new LoginAccess({ user: { id: ann }, mailboxId: null });
    expect((await access.mailboxes()).map((m) => m.address)).toEqual(["ann@example.com", "desk@example.com"]);
    await disableSilently(ann);
    // Kept: this is the round trip a RETR or a FETCH batch no longer makes.
    expect(await access.mailboxes()).toHaveLength(2);
    await noticeFromElsewhere([idOf("ben")]);
    await noticeFromElsewhere([ann]);
    await waitFor("the notice to reach the session", async () => (await access.mailboxes()).length === 0);
    await disableSilently(ann, false);
    await noticeFromElsewhere([ann]);
    await waitFor("the user to be enabled again", async () => (await access.mailboxes()).length === 2);
  });

  it("is not dropped by a notice about someone else", async () => {
    const ben = idOf("ben");
    const access = new LoginAccess({ user: { id: ben }, mailboxId: desk });
    expect(await access.mayUse(desk)).toBe(true);
    await disableSilently(ben);
    await noticeFromElsewhere([idOf("cy")]);
    // A notice sent after the one about cy and heard after it: by then cy's has been counted.
    await noticeFromElsewhere([idOf("fay")]);
    const fay = new LoginAccess({ user: { id: idOf("fay") }, mailboxId: null });
    await fay.mailboxes();
    expect(await access.mayUse(desk)).toBe(true);
    await disableSilently(ben, false);
  });

  it("sees a change made in this process at the very next call", async () => {
    const cy = idOf("cy");
    const deaf = deafen(2);
    for (let round = 0; round < 3; round++) {
      const access = new LoginAccess({ user: { id: cy }, mailboxId: desk });
      expect(await access.mayUse(desk)).toBe(true);
      await changeMembers({ mailbox: { id: desk }, remove: ["cy@example.com"], actorId: null });
      expect(await access.mayUse(desk)).toBe(false);
      await changeMembers({ mailbox: { id: desk }, add: [{ email: "cy@example.com" }], actorId: null });
      expect(await access.mayUse(desk)).toBe(true);
    }
    await deaf;
  });

  it("asked during the changing transaction, is not kept past its commit", async () => {
    const dee = idOf("dee");
    const access = new LoginAccess({ user: { id: dee }, mailboxId: null });
    expect(await access.mailboxes()).toHaveLength(2);
    const deaf = deafen(1);
    await db().$transaction(async (tx) => {
      await tx.user.update({ where: { id: dee }, data: { disabled: true } });
      await notifyAccessChanged(tx, [dee]);
      // Not committed yet: the gate still grants both, and the answer must not outlive the commit.
      expect(await access.mailboxes()).toHaveLength(2);
    });
    expect(await access.mailboxes()).toHaveLength(0);
    await deaf;
    await setUserDisabled({ user: { id: dee }, disabled: false, actorId: null });
    expect(await access.mailboxes()).toHaveLength(2);
  });

  it("is never kept without a listener", async () => {
    const eve = idOf("eve");
    const access = new LoginAccess({ user: { id: eve }, mailboxId: null }, new AccessWatch());
    expect(await access.mailboxes()).toHaveLength(2);
    await disableSilently(eve);
    expect(await access.mailboxes()).toHaveLength(0);
    await disableSilently(eve, false);
  });

  it("is dropped when the LISTEN connection is lost, since notices may have been missed", async () => {
    const fay = idOf("fay");
    const access = new LoginAccess({ user: { id: fay }, mailboxId: null });
    expect(await access.mailboxes()).toHaveLength(2);
    await disableSilently(fay);
    expect(await access.mailboxes()).toHaveLength(2);
    const cut = await sql.$queryRaw<{ done: boolean }[]>`
      select pg_terminate_backend(pid) as done from pg_stat_activity
      where datname = current_database() and application_name = ${ACCESS_WATCH_APPLICATION}`;
    expect(cut).toEqual([{ done: true }]);
    await waitFor("the lost connection to drop the verdict", async () => (await access.mailboxes()).length === 0);
    // The watch listens again after a second; answers are kept again from then on.
    await waitFor("the watch to listen again", () => accessWatch().stamp(fay) !== null, 10_000);
    await disableSilently(fay, false);
    await noticeFromElsewhere([fay]);
    await waitFor("the user to be enabled again", async () => (await access.mailboxes()).length === 2);
  });
});
