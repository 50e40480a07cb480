// The authority gate (server/access/gate.ts) against a real database: the
// membership rule (direct, or through a team; admins get no exception), what
// a protocol login may use, and ids that name nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorizeConversation,
  authorizeMailbox,
  authorizeMessage,
  mailboxesForLogin,
  mailboxScope,
  memberMailboxIds,
} from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";

const ids = { kana: 0, admin: 0, olga: 0, kanaOwn: 0, support: 0, sales: 0, legal: 0 };

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain();
  ids.kana = await makeUser("kana@example.com");
  ids.admin = await makeUser("admin@example.com", { admin: true });
  ids.olga = await makeUser("olga@example.com");
  ids.kanaOwn = (await db().mailbox.findUniqueOrThrow({ where: { address: "kana@example.com" } })).id;
  // Kana: support@ directly, sales@ through her team; legal@ is Olga's only.
  ids.support = await makeSharedMailbox("support@example.com", ["kana@example.com"]);
  ids.sales = await makeSharedMailbox("sales@example.com", []);
  ids.legal = await makeSharedMailbox("legal@example.com", ["olga@example.com"]);
  const team = await db().team.create({ data: { name: "Sales team", members: { create: [{ userId: ids.kana }] } } });
  await db().membership.create({ data: { mailboxId: ids.sales, teamId: team.id } });
});

afterAll(async () => {
  await disconnectDb();
});

describe("the web's questions", () => {
  it("lets a user into the mailboxes of their own and their team's memberships, and no other", async () => {
    expect(await memberMailboxIds(ids.kana)).toEqual([ids.kanaOwn, ids.support, ids.sales].sort((a, b) => a - b));
    expect(await authorizeMailbox({ userId: ids.kana, mailboxId: ids.sales })).toBe(ids.sales);
    expect(await authorizeMailbox({ userId: ids.kana, mailboxId: ids.legal })).toBeNull();
    // Admins get no exception.
    expect(await authorizeMailbox({ userId: ids.admin, mailboxId: ids.support })).toBeNull();
    expect(await mailboxScope({ userId: ids.kana, mailboxId: ids.legal })).toBeNull();
    expect(await mailboxScope({ userId: ids.kana, mailboxId: ids.sales })).toEqual([ids.sales]);
  });

  it("answers a foreign, a missing and an out-of-range id alike", async () => {
    const theirs = await deliver(ids.legal);
    const ours = await deliver(ids.sales);
    expect(await authorizeConversation({ userId: ids.kana, conversationId: ours.conversationId })).toEqual({
      conversationId: ours.conversationId,
      mailboxId: ids.sales,
    });
    expect(await authorizeMessage({ userId: ids.kana, messageId: ours.storedMessageId })).toEqual({
      messageId: ours.storedMessageId,
      mailboxId: ids.sales,
      conversationId: ours.conversationId,
    });
    for (const conversationId of [theirs.conversationId, 2_147_483_647, 3_000_000_000, -1, 1.5]) {
      expect(await authorizeConversation({ userId: ids.kana, conversationId })).toBeNull();
    }
    for (const messageId of [theirs.storedMessageId, 2_147_483_647, 3_000_000_000]) {
      expect(await authorizeMessage({ userId: ids.kana, messageId })).toBeNull();
    }
    expect(await authorizeMailbox({ userId: ids.kana, mailboxId: 3_000_000_000 })).toBeNull();
  });
});

describe("mailboxesForLogin (what a protocol session may use)", () => {
  it("grants every mailbox of the user for their own login, their own first", async () => {
    expect(await mailboxesForLogin({ user: { id: ids.kana }, mailboxId: null })).toEqual([
      { mailboxId: ids.kanaOwn, address: "kana@example.com", kind: "personal", own: true },
      { mailboxId: ids.sales, address: "sales@example.com", kind: "shared", own: false },
      { mailboxId: ids.support, address: "support@example.com", kind: "shared", own: false },
    ]);
  });

  it("grants exactly the one mailbox of a mailbox-scoped app password, while the user belongs to it", async () => {
    expect(await mailboxesForLogin({ user: { id: ids.kana }, mailboxId: ids.support })).toEqual([
      { mailboxId: ids.support, address: "support@example.com", kind: "shared", own: false },
    ]);
    expect(await mailboxesForLogin({ user: { id: ids.kana }, mailboxId: ids.legal })).toEqual([]);
    expect(await mailboxesForLogin({ user: { id: ids.kana }, mailboxId: 3_000_000_000 })).toEqual([]);
  });

  it("grants nothing to a disabled user or a user removed from the mailbox", async () => {
    const leaver = await makeUser("leaver@example.com");
    await db().membership.create({ data: { mailboxId: ids.support, userId: leaver } });
    expect((await mailboxesForLogin({ user: { id: leaver }, mailboxId: ids.support })).length).toBe(1);
    await db().membership.deleteMany({ where: { mailboxId: ids.support, userId: leaver } });
    expect(await mailboxesForLogin({ user: { id: leaver }, mailboxId: ids.support })).toEqual([]);
    await db().user.update({ where: { id: leaver }, data: { disabled: true } });
    expect(await mailboxesForLogin({ user: { id: leaver }, mailboxId: null })).toEqual([]);
  });
});
