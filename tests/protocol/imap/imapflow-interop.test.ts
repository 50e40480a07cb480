// Interop with imapflow, the design's IMAP client library: login, list,
// select, fetch, flags, append, move, IDLE across two clients, and a QRESYNC
// resynchronisation — all against the in-memory backend.
import { ImapFlow } from "imapflow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImapFixture, memoryFixture, SHARED, USERS } from "./support/imap-fixture.ts";
import { RFC_EXAMPLE, simpleMail } from "./support/sample-mail.ts";

function client(fixture: ImapFixture, user = USERS.alice, qresync = false): ImapFlow {
  return new ImapFlow({
    host: "127.0.0.1",
    port: fixture.tlsPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user: user.email, pass: user.password },
    logger: false,
    qresync,
  });
}

describe("imapflow interop", () => {
  let fixture: ImapFixture;
  const open: ImapFlow[] = [];
  const connect = async (user = USERS.alice, qresync = false) => {
    const flow = client(fixture, user, qresync);
    open.push(flow);
    await flow.connect();
    return flow;
  };
  beforeEach(async () => {
    fixture = await memoryFixture({ allowPlaintextLoginFromLoopback: false });
    await fixture.deliver(USERS.alice.email, RFC_EXAMPLE);
    await fixture.deliver(USERS.alice.email, simpleMail("second", "body two"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((flow) => flow.logout().catch(() => flow.close())));
    await fixture.close();
  });

  it("logs in, lists personal and shared folders with special use", async () => {
    const flow = await connect();
    const list = await flow.list();
    const byPath = new Map(list.map((entry) => [entry.path, entry]));
    expect(byPath.get("INBOX")).toBeDefined();
    expect(byPath.get("Sent")?.specialUse).toBe("\\Sent");
    expect(byPath.get(`Shared/${SHARED}/INBOX`)).toBeDefined();
    expect(flow.namespace).toMatchObject({ prefix: "", delimiter: "/" });
  });

  it("selects, fetches envelope, structure and source, and sets flags", async () => {
    const flow = await connect();
    const mailbox = await flow.mailboxOpen("INBOX");
    expect(mailbox.exists).toBe(2);
    const messages = [];
    for await (const message of flow.fetch("1:*", {
      uid: true,
      envelope: true,
      flags: true,
      bodyStructure: true,
      source: true,
    }))
      messages.push(message);
    expect(messages.map((m) => m.envelope?.subject)).toEqual(["IMAP4rev1 WG mtg summary and minutes", "second"]);
    expect(messages[0]?.envelope?.from?.[0]?.address).toBe("gray@cac.washington.edu");
    expect(messages[0]?.bodyStructure?.type).toBe("text/plain");
    expect(messages[1]?.source?.toString()).toContain("body two");
    await flow.messageFlagsAdd({ uid: "2" }, ["\\Flagged", "$Label1"], { uid: true });
    expect(await flow.search({ flagged: true }, { uid: true })).toEqual([2]);
    const download = await flow.download("1", undefined, { uid: true });
    const chunks: Buffer[] = [];
    for await (const chunk of download.content ?? []) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toContain("Hello Joe");
  });

  it("appends and moves with UIDPLUS results", async () => {
    const flow = await connect();
    const appended = await flow.append("Drafts", simpleMail("draft"), ["\\Draft"]);
    expect(appended).toMatchObject({ destination: "Drafts", uid: 1 });
    await flow.mailboxOpen("INBOX");
    const moved = await flow.messageMove("1", `Shared/${SHARED}/INBOX`, { uid: true });
    if (!moved) throw new Error("MOVE failed");
    expect(moved.uidMap?.get(1)).toBe(1);
    const status = await flow.status("INBOX", { messages: true });
    if (!status) throw new Error("STATUS failed");
    expect(status.messages).toBe(1);
  });

  it("IDLE in one client sees the other client's changes at once", async () => {
    const watcher = await connect(USERS.alice);
    const actor = await connect(USERS.bob);
    await watcher.mailboxOpen(`Shared/${SHARED}/INBOX`);
    await actor.mailboxOpen(`Shared/${SHARED}/INBOX`);
    const exists = new Promise<number>((resolve) => watcher.on("exists", (data) => resolve(data.count)));
    const flags = new Promise<Set<string>>((resolve) => watcher.on("flags", (data) => resolve(data.flags)));
    const idling = watcher.idle();
    await actor.append(`Shared/${SHARED}/INBOX`, simpleMail("from bob"));
    expect(await exists).toBe(1);
    await actor.messageFlagsAdd("1", ["\\Seen"]);
    expect([...(await flags)]).toContain("\\Seen");
    await actor.logout();
    open.splice(open.indexOf(actor), 1);
    void idling;
  });

  it("resynchronises with QRESYNC after changes made while away", async () => {
    const first = await connect(USERS.alice, true);
    const opened = await first.mailboxOpen("INBOX");
    const state = { uidValidity: opened.uidValidity, highestModseq: opened.highestModseq };
    await first.logout();
    open.splice(open.indexOf(first), 1);

    const other = await connect(USERS.alice);
    await other.mailboxOpen("INBOX");
    await other.messageFlagsAdd({ uid: "2" }, ["\\Answered"], { uid: true });
    await other.messageDelete({ uid: "1" }, { uid: true });

    const second = await connect(USERS.alice, true);
    const vanished: number[] = [];
    const changed: number[] = [];
    second.on("expunge", (data) => {
      if (data.vanished) vanished.push(Number(data.uid));
    });
    second.on("flags", (data) => changed.push(Number(data.uid)));
    const reopened = await second.mailboxOpen("INBOX", {
      qresync: true,
      uidValidity: state.uidValidity,
      changedSince: state.highestModseq,
    } as never);
    expect(reopened.exists).toBe(1);
    expect(vanished).toEqual([1]);
    expect(changed).toEqual([2]);
  });
});
