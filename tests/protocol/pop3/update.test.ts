// The UPDATE state (RFC 1939 §6): deletions happen only after QUIT, in one
// backend call; a connection that ends any other way deletes nothing and
// releases its lock. The mailbox's policy decides what "deleted" means.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../support/wait.ts";
import { plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";
import { expectTranscript } from "./support/transcript.ts";

describe.each(POP3_BACKENDS)("POP3 UPDATE state (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  const open: Pop3Client[] = [];
  let mailboxes = 0;

  beforeAll(async () => {
    fixture = await createPop3Fixture(kind);
    servers = await startPop3TestServers(fixture);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
    if (fixture.faults) delete fixture.faults.commit;
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  /** A fresh mailbox with three messages, so each test starts from a known maildrop; their UIDLs. */
  async function mailbox(onDelete: "keep" | "delete"): Promise<{ address: string; uidls: string[] }> {
    const address = `user${++mailboxes}@example.com`;
    await fixture.addMailbox(address, "secret password", onDelete);
    const uidls: string[] = [];
    for (const subject of ["one", "two", "three"]) uidls.push(await fixture.deliver(address, plainMessage(subject)));
    return { address, uidls };
  }

  async function loggedIn(
    address: string,
    password = "secret password",
    port = servers.plain.port,
  ): Promise<Pop3Client> {
    const { client } = await Pop3Client.connect(port);
    open.push(client);
    await expectTranscript(client, `C: USER ${address}\nS~ ^\\+OK\nC: PASS ${password}\nS~ ^\\+OK Logged in`);
    return client;
  }

  const subjects = async (address: string) =>
    (await fixture.stored(address)).map((raw) => /Subject: (\w+)/.exec(raw.toString())?.[1]);

  it("deletes the marked messages at QUIT under the delete policy", async () => {
    const { address, uidls } = await mailbox("delete");
    const client = await loggedIn(address);
    await expectTranscript(
      client,
      `
      C: DELE 1
      C: DELE 3
      S: +OK Message 1 deleted
      S: +OK Message 3 deleted
      C: QUIT
      S: +OK pop.example.com POP3 server signing off (2 messages deleted)
      `,
    );
    await client.closed();
    expect(await subjects(address)).toEqual(["two"]);
    await expectTranscript(
      await loggedIn(address),
      `C: STAT\nS~ ^\\+OK 1 \\d+$\nC: UIDL\nS~ ^\\+OK\nS: 1 ${uidls[1]}\nS: .`,
    );
  });

  it("hides the marked messages from this login only, under the keep policy", async () => {
    const { address, uidls } = await mailbox("keep");
    const appPassword = await fixture.addAppPassword(address);
    const client = await loggedIn(address);
    await expectTranscript(
      client,
      "C: DELE 2\nS~ ^\\+OK\nC: QUIT\nS: +OK pop.example.com POP3 server signing off (1 messages deleted)",
    );
    await client.closed();
    // The team still sees every message (browser, IMAP).
    expect(await subjects(address)).toEqual(["one", "two", "three"]);
    // The same login no longer does; UIDLs of the others are unchanged.
    await expectTranscript(
      await loggedIn(address, appPassword),
      `
      C: UIDL
      S: +OK Unique-ID listing follows
      S: 1 ${uidls[0]}
      S: 2 ${uidls[2]}
      S: .
      `,
    );
  });

  it("deletes nothing when the connection drops after DELE (the crash case), and releases the lock", async () => {
    const { address } = await mailbox("delete");
    const client = await loggedIn(address);
    await expectTranscript(client, "C: DELE 1\nS~ ^\\+OK\nC: DELE 2\nS~ ^\\+OK");
    client.close();
    await client.closed();
    await waitFor("the lock to be released", async () => (await fixture.heldLocks()) === 0);
    expect(await subjects(address)).toEqual(["one", "two", "three"]);
    await expectTranscript(await loggedIn(address), "C: STAT\nS~ ^\\+OK 3 ");
  });

  it("deletes nothing on RSET then QUIT", async () => {
    const { address } = await mailbox("delete");
    const client = await loggedIn(address);
    await expectTranscript(
      client,
      "C: DELE 1\nS~ ^\\+OK\nC: RSET\nS~ ^\\+OK\nC: QUIT\nS: +OK pop.example.com POP3 server signing off (0 messages deleted)",
    );
    await client.closed();
    expect(await subjects(address)).toEqual(["one", "two", "three"]);
  });

  it("says -ERR [SYS/TEMP] when the deletions cannot be committed, and nothing is deleted", async ({ skip }) => {
    // Fault injection exists only in the in-memory backend.
    const faults = fixture.faults;
    if (!faults) return skip();
    const { address } = await mailbox("delete");
    const client = await loggedIn(address);
    faults.commit = true;
    await expectTranscript(
      client,
      "C: DELE 1\nS~ ^\\+OK\nC: QUIT\nS: -ERR [SYS/TEMP] Some deleted messages not removed",
    );
    await client.closed();
    expect(await subjects(address)).toEqual(["one", "two", "three"]);
    expect(await fixture.heldLocks()).toBe(0);
  });

  it("logs an idle session out without UPDATE (RFC 1939 §3 autologout)", async () => {
    const { address } = await mailbox("delete");
    // Short, but longer than a login takes on a loaded machine: the timer also runs while the server works.
    const idle = await startPop3TestServers(fixture, { idleTimeoutMs: 3000 });
    try {
      const client = await loggedIn(address, "secret password", idle.plain.port);
      await expectTranscript(client, "C: DELE 1\nS~ ^\\+OK");
      expect(await client.readLine()).toBe("-ERR Idle for too long, closing connection");
      await client.closed();
      await waitFor("the lock to be released", async () => (await fixture.heldLocks()) === 0);
      expect(await subjects(address)).toEqual(["one", "two", "three"]);
    } finally {
      await idle.close();
    }
  });

  it("ignores commands pipelined after QUIT", async () => {
    const { address } = await mailbox("delete");
    const client = await loggedIn(address);
    await expectTranscript(client, "C: QUIT\nC: DELE 1\nS~ ^\\+OK .* signing off");
    await client.closed();
    expect(client.pending().length).toBe(0);
    expect(await subjects(address)).toEqual(["one", "two", "three"]);
  });

  it("closes every session on server close without deleting anything", async () => {
    const own = await createPop3Fixture(kind);
    await own.addMailbox("eve@example.com", "eve password", "delete");
    await own.deliver("eve@example.com", plainMessage("kept"));
    const local = await startPop3TestServers(own);
    const { client } = await Pop3Client.connect(local.plain.port);
    open.push(client);
    await expectTranscript(
      client,
      "C: USER eve@example.com\nS~ ^\\+OK\nC: PASS eve password\nS~ ^\\+OK\nC: DELE 1\nS~ ^\\+OK",
    );
    await local.close();
    await client.closed();
    expect(await own.heldLocks()).toBe(0);
    expect(await own.stored("eve@example.com")).toHaveLength(1);
    await own.close();
  });
});
