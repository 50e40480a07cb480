// What IMAP SELECT loads (server/mail-folders/folder-snapshot.ts): the
// folder's counters and every entry's UID, MODSEQ and flags in UID order,
// with the tags of its conversation (keywords on each of its messages) for
// exactly the entries that have some — from this mailbox's tags only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation, authorizeMailbox } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { folderSnapshot } from "../../server/mail-folders/folder-snapshot.ts";
import { storeFlags } from "../../server/mail-store/store-flags.ts";
import { addTag } from "../../server/tags/tag-conversation.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";

let userId = 0;
let desk = 0;
let other = 0;

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain();
  userId = await makeUser("mika@example.com");
  desk = await makeSharedMailbox("desk@example.com", ["mika@example.com"]);
  other = await makeSharedMailbox("other@example.com", ["mika@example.com"]);
});

afterAll(async () => {
  await disconnectDb();
});

async function authorized(mailboxId: number) {
  const id = await authorizeMailbox({ userId, mailboxId });
  if (!id) throw new Error("not a member");
  return id;
}

async function tag(conversationId: number, name: string): Promise<void> {
  const conversation = await authorizeConversation({ userId, conversationId });
  if (!conversation) throw new Error("no conversation");
  await addTag({ actorId: userId, conversation, name });
}

describe("folderSnapshot", () => {
  it("gives the entries in UID order with flags, MODSEQs and their conversation's tags", async () => {
    const mailboxId = await authorized(desk);
    const first = await deliver(desk, { subject: "one", from: "Aya <aya@customer.example>" });
    const second = await deliver(desk, { subject: "two" });
    const third = await deliver(desk, { subject: "three" });
    // A reply joins the first conversation: it carries that conversation's tags too.
    const reply = await deliver(desk, {
      subject: "Re: one",
      from: "Aya <aya@customer.example>",
      headers: [`In-Reply-To: <${first.messageId}>`, `References: <${first.messageId}>`],
    });
    expect(reply.conversationId).toBe(first.conversationId);
    const elsewhere = await deliver(other, { subject: "not here" });
    await tag(first.conversationId, "請求書");
    await tag(first.conversationId, "VIP customer");
    await tag(elsewhere.conversationId, "other mailbox");
    const inbox = await db().folder.findUniqueOrThrow({
      where: { mailboxId_name: { mailboxId: desk, name: "INBOX" } },
    });
    await storeFlags({
      mailboxIds: [mailboxId],
      folderId: inbox.id,
      uids: [2, 3],
      mode: "add",
      flags: ["\\Seen", "$Forwarded"],
      tags: [],
      unchangedSince: null,
      actorId: userId,
    });

    const snapshot = await folderSnapshot({ mailboxId, folderName: "INBOX" });
    if (!snapshot) throw new Error("no INBOX");
    const now = await db().folder.findUniqueOrThrow({ where: { id: inbox.id } });
    const entries = await db().folderMessage.findMany({ where: { folderId: inbox.id }, orderBy: { uid: "asc" } });
    expect(snapshot.folderId).toBe(inbox.id);
    expect(snapshot.uidNext).toBe(now.uidNext);
    expect(snapshot.uidValidity).toBe(now.uidValidity);
    expect(snapshot.highestModseq).toBe(Number(now.highestModseq));
    expect(snapshot.uids).toEqual([1, 2, 3, 4]);
    expect(snapshot.modseqs).toEqual(entries.map((e) => Number(e.modseq)));
    expect(snapshot.flags).toEqual([[], ["\\Seen", "$Forwarded"], ["\\Seen", "$Forwarded"], []]);
    // Equal flag sets are one array.
    expect(snapshot.flags[1]).toBe(snapshot.flags[2]);
    expect([...snapshot.tags]).toEqual([
      [1, ["VIP customer", "請求書"]],
      [4, ["VIP customer", "請求書"]],
    ]);
    expect([second.conversationId, third.conversationId]).not.toContain(first.conversationId);
  });

  it("gives an empty folder as empty arrays, and a missing one as null", async () => {
    const mailboxId = await authorized(other);
    const sent = await folderSnapshot({ mailboxId, folderName: "Sent" });
    expect(sent && { uids: sent.uids, modseqs: sent.modseqs, flags: sent.flags, tags: sent.tags.size }).toEqual({
      uids: [],
      modseqs: [],
      flags: [],
      tags: 0,
    });
    expect(await folderSnapshot({ mailboxId, folderName: "No such folder" })).toBeNull();
  });
});
