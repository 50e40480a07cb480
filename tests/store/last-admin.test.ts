// The last enabled admin survives concurrent changes: two admins disabling
// (or demoting) each other at the same moment leave exactly one admin, and
// the other change is refused with the reason — never both, never a deadlock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { editUser } from "../../server/users/edit-user.ts";
import { setUserDisabled } from "../../server/users/set-disabled.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeUser } from "../support/factories.ts";

beforeAll(async () => {
  await useTestDatabase();
});

afterAll(async () => {
  await disconnectDb();
});

const enabledAdmins = () => db().user.count({ where: { role: "admin", disabled: false } });

describe("the last admin", () => {
  it("two admins disabling each other at once: one succeeds, one is refused", async () => {
    const a = await makeUser("a@example.org", { admin: true });
    const b = await makeUser("b@example.org", { admin: true });
    const results = await Promise.allSettled([
      setUserDisabled({ user: { id: b }, disabled: true, actorId: a }),
      setUserDisabled({ user: { id: a }, disabled: true, actorId: b }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(refused.reason)).toMatch(/The last admin cannot be disabled, demoted or removed/);
    expect(await enabledAdmins()).toBe(1);
  });

  it("two demotions at once leave one admin", async () => {
    const c = await makeUser("c@example.org", { admin: true });
    const survivor = (await db().user.findFirstOrThrow({ where: { role: "admin", disabled: false } })).id;
    const results = await Promise.allSettled([
      editUser({ user: { id: c }, role: "agent", actorId: null }),
      editUser({ user: { id: survivor }, role: "agent", actorId: null }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await enabledAdmins()).toBe(1);
  });
});
