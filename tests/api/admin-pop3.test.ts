// admin.mailboxes.pop3: the POP3 deletion policy an admin chooses in the
// admin panel. Admin tier only: an agent is refused without learning whether
// the mailbox exists and without changing anything; every change is audited
// with the admin as actor, and a missing mailbox is NOT_FOUND.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "admin-pop3-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
let adminId = 0;
let agentId = 0;
let supportId = 0;
let personalId = 0;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain("example.com");
  adminId = await makeUser("admin@example.com", { admin: true });
  agentId = await makeUser("agent@example.com");
  supportId = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  personalId = (await db().mailbox.findUniqueOrThrow({ where: { address: "agent@example.com" } })).id;
});

afterAll(async () => {
  await disconnectDb();
});

describe("admin.mailboxes.pop3", () => {
  it("lists each mailbox's policy with its kind's default: keep for shared, delete for personal", async () => {
    const admin = await callerFor(adminId);
    const policies = await admin.admin.mailboxes.pop3.policies();
    expect(policies[supportId]).toEqual({ onDelete: "keep", explicit: false, kindDefault: "keep" });
    expect(policies[personalId]).toEqual({ onDelete: "delete", explicit: false, kindDefault: "delete" });
  });

  it("sets the policy for an admin, audited with the admin as actor", async () => {
    const admin = await callerFor(adminId);
    expect(await admin.admin.mailboxes.pop3.set({ mailboxId: supportId, onDelete: "delete" })).toEqual({
      mailboxId: supportId,
      onDelete: "delete",
    });
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: supportId } })).pop3OnDelete).toBe("delete");
    expect((await admin.admin.mailboxes.pop3.policies())[supportId]).toEqual({
      onDelete: "delete",
      explicit: true,
      kindDefault: "keep",
    });
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { action: "mailbox.pop3", subjectId: String(supportId) },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({
      actorId: adminId,
      before: { onDelete: "keep", explicit: false },
      after: { onDelete: "delete" },
    });
  });

  it("refuses an agent, even a member of the mailbox, the same way for a mailbox that exists and one that does not", async () => {
    const agent = await callerFor(agentId);
    const audits = await db().auditEvent.count({ where: { action: "mailbox.pop3" } });
    const existing = await trpcError(agent.admin.mailboxes.pop3.set({ mailboxId: supportId, onDelete: "keep" }));
    const missing = await trpcError(agent.admin.mailboxes.pop3.set({ mailboxId: 2_147_483_647, onDelete: "keep" }));
    // The admin tier answers an agent as for a path that does not exist: nothing about the mailbox.
    expect(existing.code).toBe("NOT_FOUND");
    expect({ code: existing.code, message: existing.message }).toEqual({
      code: missing.code,
      message: missing.message,
    });
    const listed = await trpcError(agent.admin.mailboxes.pop3.policies());
    expect(listed.code).toBe(existing.code);
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: supportId } })).pop3OnDelete).toBe("delete");
    expect(await db().auditEvent.count({ where: { action: "mailbox.pop3" } })).toBe(audits);
  });

  it("answers NOT_FOUND for a mailbox that does not exist, and BAD_REQUEST for a policy that does not", async () => {
    const admin = await callerFor(adminId);
    expect((await trpcError(admin.admin.mailboxes.pop3.set({ mailboxId: 2_147_483_647, onDelete: "keep" }))).code).toBe(
      "NOT_FOUND",
    );
    const bad = admin.admin.mailboxes.pop3.set({ mailboxId: supportId, onDelete: "purge" as "keep" });
    expect((await trpcError(bad)).code).toBe("BAD_REQUEST");
  });
});
