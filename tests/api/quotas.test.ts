// The quota procedures as the browser calls them: admin-only ones answer an
// agent as for a path that does not exist (and audit it), input is validated on the
// server with the reason given, and a member's warnings name only mailboxes
// they work in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { setQuotaLimits } from "../../server/quotas/set-quota-limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "quotas-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
let admin = 0;
let agent = 0;
let outsider = 0;

beforeAll(async () => {
  await useTestDatabase();
  process.env.NEXTAUTH_SECRET = SECRET;
  await makeDomain("example.com");
  admin = await makeUser("admin@example.com", { admin: true });
  agent = await makeUser("agent@example.com");
  outsider = await makeUser("outsider@example.com");
  const id = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  await setQuotaLimits({ address: "support@example.com", quotaMessages: 2, actorId: null });
  await deliver(id);
  await deliver(id);
});

afterAll(() => disconnectDb());

describe("quotas router", () => {
  it("is admin-only for the overview, limits and Recalculate: an agent is answered as for a missing path, and audited", async () => {
    const caller = await callerFor(agent);
    // One call at a time: calls made together would reject before they are
    // awaited, an unhandled rejection that fails the run.
    for (const call of [
      () => caller.quotas.overview(),
      () => caller.quotas.setLimits({ address: "support@example.com", quota: "1GB" }),
      () => caller.quotas.recalculate({ address: "support@example.com" }),
    ]) {
      expect((await trpcError(call())).code).toBe("NOT_FOUND");
    }
    const refused = await db().auditEvent.findMany({ where: { action: "admin.refused", actorId: agent } });
    expect(refused.map((e) => e.subjectId).sort()).toEqual([
      "quotas.overview",
      "quotas.recalculate",
      "quotas.setLimits",
    ]);
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: "support@example.com" } });
    expect(mailbox.quotaBytes).toBeNull();
  });

  it("lets an admin set limits, validating them on the server", async () => {
    const caller = await callerFor(admin);
    const set = await caller.quotas.setLimits({
      address: "support@example.com",
      quota: "10MB",
      messages: "100",
      warnPercents: [95, 80],
    });
    expect(set).toMatchObject({ quotaBytes: 10 * 1024 * 1024, quotaMessages: 100, warnPercents: [80, 95] });
    const bad = await trpcError(caller.quotas.setLimits({ address: "support@example.com", messages: "lots" }));
    expect(bad.message).toContain("a message limit is a whole number");
    const percent = await trpcError(caller.quotas.setLimits({ address: "support@example.com", warnPercents: [120] }));
    expect(percent.message).toContain("whole percentages from 1 to 100");
    const missing = await trpcError(caller.quotas.recalculate({ address: "nobody@example.com" }));
    expect(missing.code).toBe("NOT_FOUND");
    const [usage] = (await caller.quotas.overview()).filter((m) => m.address === "support@example.com");
    expect(usage).toMatchObject({ usedMessages: 2, quotaMessages: 100 });
    expect((await caller.quotas.recalculate({ address: "support@example.com" })).drift).toEqual({
      bytes: 0,
      messages: 0,
    });
    await caller.quotas.setLimits({ address: "support@example.com", messages: "2" });
  });

  it("shows the warning to members only", async () => {
    const member = await (await callerFor(agent)).quotas.warnings();
    expect(member.map((w) => [w.address, w.level])).toEqual([["support@example.com", 95]]);
    expect(await (await callerFor(outsider)).quotas.warnings()).toEqual([]);
    expect((await trpcError((await callerFor(null)).quotas.warnings())).code).toBe("UNAUTHORIZED");
  });
});
