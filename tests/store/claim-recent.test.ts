// RFC 3501 §2.3.2 \Recent claims (server/mail-folders/claim-recent.ts): each
// UID goes to exactly one claiming session, a look (EXAMINE) takes nothing,
// STATUS counts what is unclaimed — and a claim does not wait for a folder
// write in progress. Every STORE, APPEND and EXPUNGE locks the "Folder" row
// until it commits; a FETCH or NOOP that is the first to learn of new mail
// claims it, and used to queue behind those writes (bench:imap, paced run).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeMailbox } from "../../server/access/gate.ts";
import { sql, sqlTransaction } from "../../server/db/raw-sql.ts";
import { disconnectDb } from "../../server/db.ts";
import { claimRecent } from "../../server/mail-folders/claim-recent.ts";
import { folderStatus } from "../../server/mail-folders/folder-status.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";

let userId = 0;
let desk = 0;

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain();
  userId = await makeUser("rin@example.com");
  desk = await makeSharedMailbox("recent-desk@example.com", ["rin@example.com"]);
});

afterAll(async () => {
  await disconnectDb();
});

async function inbox() {
  const mailboxId = await authorizeMailbox({ userId, mailboxId: desk });
  if (!mailboxId) throw new Error("not a member");
  const [folder] = await sql.$queryRaw<{ id: number; uidNext: number }[]>`
    select id, "uidNext" from "Folder" where "mailboxId" = ${desk}::int and name = 'INBOX'`;
  if (!folder) throw new Error("no INBOX");
  return { mailboxId, mailboxIds: [mailboxId], folderId: folder.id, uidNext: folder.uidNext };
}

describe("claimRecent", () => {
  it("gives each UID to one claimer; a look takes nothing; STATUS counts the unclaimed", async () => {
    await deliver(desk, { subject: "one" });
    await deliver(desk, { subject: "two" });
    const { mailboxId, mailboxIds, folderId, uidNext } = await inbox();
    const status = () => folderStatus({ mailboxId, folderName: "INBOX" });
    expect((await status())?.recent).toBe(2);
    // EXAMINE looks: nothing moves.
    expect(await claimRecent({ mailboxIds, folderId, upTo: uidNext, claim: false })).toBe(1);
    expect((await status())?.recent).toBe(2);
    // Two sessions claim at once: one gets [1, uidNext), the other nothing.
    const both = await Promise.all([
      claimRecent({ mailboxIds, folderId, upTo: uidNext, claim: true }),
      claimRecent({ mailboxIds, folderId, upTo: uidNext, claim: true }),
    ]);
    expect(both.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, uidNext]);
    expect((await status())?.recent).toBe(0);
    // A folder of a mailbox the caller may not use: no answer.
    expect(await claimRecent({ mailboxIds: [], folderId, upTo: uidNext + 1, claim: true })).toBeNull();
  });

  it("does not wait for a write that holds the folder row", async () => {
    await deliver(desk, { subject: "three" });
    const { mailboxId, mailboxIds, folderId, uidNext } = await inbox();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // As STORE and EXPUNGE do: the folder row locked until COMMIT.
    const writer = sqlTransaction(async (tx) => {
      await tx.$queryRaw`select id from "Folder" where id = ${folderId}::int for update`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const claim = claimRecent({ mailboxIds, folderId, upTo: uidNext, claim: true });
      const outcome = await Promise.race([
        claim,
        new Promise<"waited">((resolve) => setTimeout(() => resolve("waited"), 3000)),
      ]);
      expect(outcome).toBe(uidNext - 1);
    } finally {
      release();
      await writer;
    }
    expect((await folderStatus({ mailboxId, folderName: "INBOX" }))?.recent).toBe(0);
  });
});
