// An IMAP session already open when its user is disabled, or removed from a
// shared mailbox it has selected: from its next command on it reads, changes
// and lists nothing of what it may no longer use, and a selected mailbox it
// lost ends the session (BYE, as for a mailbox deleted meanwhile). The store
// backend asks the authority gate on every call; the session keeps the
// gate's answer until a yubin_access notice names the user
// (server/access/login-access.ts), and a change made in this process
// reaches the next command even before that notice comes back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeMembers } from "../../../server/mailboxes/change-members.ts";
import { accessWatch } from "../../../server/realtime/access-watch.ts";
import { setUserDisabled } from "../../../server/users/set-disabled.ts";
import type { ImapFixture } from "./support/imap-fixture.ts";
import { SHARED, USERS } from "./support/imap-fixture.ts";
import { loggedIn } from "./support/logged-in.ts";
import { postgresFixture } from "./support/postgres-fixture.ts";

let fixture: ImapFixture;
const SHARED_INBOX = `"Shared/${SHARED}/INBOX"`;

beforeAll(async () => {
  fixture = await postgresFixture();
  await fixture.deliver(SHARED, "Subject: for the desk\r\n\r\nshared text\r\n");
  await fixture.deliver(USERS.alice.email, "Subject: for alice\r\n\r\nown text\r\n");
  // Sessions keep the gate's answer only once the process listens for access notices: wait, so
  // that what is tested below is the kept answer being dropped, not a lookup per command.
  await accessWatch().ready();
});

afterAll(async () => {
  await fixture?.close();
});

describe("IMAP access withdrawn mid-session", () => {
  it("a member removed from a shared mailbox reads, changes and lists nothing of it from the next command", async () => {
    const selected = await loggedIn(fixture, USERS.bob);
    const browsing = await loggedIn(fixture, USERS.bob);
    expect((await selected.command(`a1 SELECT ${SHARED_INBOX}`)).at(-1)).toMatch(/^a1 OK /);
    expect((await selected.command("a2 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")).join("\n")).toContain(
      "for the desk",
    );
    expect((await browsing.command('b1 LIST "" "*"')).join("\n")).toContain(`Shared/${SHARED}/INBOX`);

    await changeMembers({ mailbox: { address: SHARED }, remove: [USERS.bob.email], actorId: null });

    const fetched = await selected.command("a3 FETCH 1 (BODY.PEEK[])");
    expect(fetched.join("\n")).not.toContain("shared text");
    expect(fetched.at(-1)).toMatch(/^a3 (OK|NO) /);
    expect(await selected.command("a4 STORE 1 +FLAGS (\\Flagged)")).toEqual([
      "a4 NO [NONEXISTENT] Mailbox no longer exists",
    ]);
    expect(await selected.command("a5 NOOP")).toEqual(["* BYE The selected mailbox was deleted"]);
    const listed = await browsing.command('b2 LIST "" "*"');
    expect(listed.join("\n")).not.toContain(SHARED);
    expect(listed.at(-1)).toMatch(/^b2 OK /);
    expect(await browsing.command(`b3 SELECT ${SHARED_INBOX}`)).toEqual(["b3 NO [NONEXISTENT] No such mailbox"]);
    browsing.close();
    await changeMembers({ mailbox: { address: SHARED }, add: [{ email: USERS.bob.email }], actorId: null });
  });

  it("a disabled user's open sessions read and list nothing from the next command", async () => {
    const selected = await loggedIn(fixture, USERS.alice);
    const browsing = await loggedIn(fixture, USERS.alice);
    expect((await selected.command("a1 SELECT INBOX")).at(-1)).toMatch(/^a1 OK /);
    expect((await selected.command("a2 FETCH 1 (BODY.PEEK[TEXT])")).join("\n")).toContain("own text");
    expect((await browsing.command("b1 STATUS INBOX (MESSAGES)")).at(0)).toBe("* STATUS INBOX (MESSAGES 1)");

    await setUserDisabled({ user: { email: USERS.alice.email }, disabled: true, actorId: null });

    const fetched = await selected.command("a3 FETCH 1 (BODY.PEEK[TEXT])");
    expect(fetched.join("\n")).not.toContain("own text");
    expect(await selected.command("a4 NOOP")).toEqual(["* BYE The selected mailbox was deleted"]);
    expect(await browsing.command("b2 STATUS INBOX (MESSAGES)")).toEqual(["b2 NO [NONEXISTENT] No such mailbox"]);
    expect(await browsing.command('b3 LIST "" "*"')).toEqual(["b3 OK LIST completed"]);
    browsing.close();
    await setUserDisabled({ user: { email: USERS.alice.email }, disabled: false, actorId: null });
  });
});
