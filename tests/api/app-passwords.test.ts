// App passwords through the tRPC router with the context the HTTP route
// builds (the Settings page's procedures): a user lists, creates and revokes
// only their own; a scope mailbox they are not a member of and another user's
// app password answer NOT_FOUND and change nothing; labels are required and
// bounded; the secret handed back logs in exactly as submission checks it
// (server/auth/protocol-credentials.ts) until it is revoked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { MAX_ACTIVE_APP_PASSWORDS } from "../../server/limits.ts";
import { useTestDatabase } from "../support/database.ts";
import { seedOutbound } from "../support/outbound-fixtures.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "app-passwords-api-secret-0123456789abcdef";
const SECRET_SHAPE = /^[a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}$/;

let ids: Awaited<ReturnType<typeof seedOutbound>>;
const callerFor = sessionCaller(SECRET);
const tJa = makeT(ja);

const login = (name: string, password: string) =>
  verifyProtocolCredentials({ login: name, password, remoteAddress: "192.0.2.7" });

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  ids = await seedOutbound();
});

afterAll(async () => {
  await disconnectDb();
});

describe("app passwords over the API", () => {
  it("needs a signed-in user, and mutations from this site only", async () => {
    const anonymous = await callerFor(null);
    expect((await trpcError(anonymous.appPasswords.list())).code).toBe("UNAUTHORIZED");
    expect((await trpcError(anonymous.appPasswords.create({ label: "x" }))).code).toBe("UNAUTHORIZED");
    const crossSite = await callerFor(ids.alice.id, { origin: "http://evil.example" });
    expect((await trpcError(crossSite.appPasswords.create({ label: "x" }))).code).toBe("FORBIDDEN");
    expect(await db().appPassword.count()).toBe(0);
  });

  it("creates, lists and revokes the user's own, audited with the user as the actor", async () => {
    const alice = await callerFor(ids.alice.id);
    expect(await alice.appPasswords.list()).toEqual([]);

    const created = await alice.appPasswords.create({ label: "  Thunderbird  " });
    expect(created.login).toBe("alice@example.com");
    expect(created.secret).toMatch(SECRET_SHAPE);
    expect(created.appPassword).toMatchObject({ label: "Thunderbird", mailboxAddress: null, lastUsedAt: null });
    expect(typeof created.appPassword.createdAt).toBe("string");

    const scoped = await alice.appPasswords.create({ label: "Support on my phone", mailboxId: ids.support.id });
    expect(scoped.login).toBe("support@example.com");
    expect(scoped.appPassword.mailboxAddress).toBe("support@example.com");

    const list = await alice.appPasswords.list();
    expect(list.map((p) => [p.id, p.label, p.mailboxAddress, p.revokedAt])).toEqual([
      [scoped.appPassword.id, "Support on my phone", "support@example.com", null],
      [created.appPassword.id, "Thunderbird", null, null],
    ]);
    // Never a secret or a hash in the list.
    expect(JSON.stringify(list)).not.toContain(created.secret);
    expect(JSON.stringify(list)).not.toContain("argon2");

    const createAudit = await db().auditEvent.findFirstOrThrow({
      where: { action: "app_password.create", subjectId: String(created.appPassword.id) },
    });
    expect(createAudit.actorId).toBe(ids.alice.id);

    expect(await alice.appPasswords.revoke({ id: created.appPassword.id })).toMatchObject({ alreadyRevoked: false });
    expect(await alice.appPasswords.revoke({ id: created.appPassword.id })).toMatchObject({ alreadyRevoked: true });
    const after = await alice.appPasswords.list();
    expect(after.find((p) => p.id === created.appPassword.id)?.revokedAt).toEqual(expect.any(String));
    const revokeAudits = await db().auditEvent.findMany({
      where: { action: "app_password.revoke", subjectId: String(created.appPassword.id) },
    });
    expect(revokeAudits.map((a) => a.actorId)).toEqual([ids.alice.id]);
  });

  it("answers NOT_FOUND for a scope mailbox the user is not a member of, as for one that does not exist", async () => {
    const bob = await callerFor(ids.bob.id);
    const before = await db().appPassword.count();
    const notMember = await trpcError(bob.appPasswords.create({ label: "sneaky", mailboxId: ids.support.id }));
    const missing = await trpcError(bob.appPasswords.create({ label: "sneaky", mailboxId: 987_654 }));
    expect([notMember.code, notMember.message]).toEqual(["NOT_FOUND", "No such mailbox."]);
    expect([missing.code, missing.message]).toEqual([notMember.code, notMember.message]);
    expect(await db().appPassword.count()).toBe(before);
    // Bob's own personal mailbox is a fine scope.
    const own = await db().mailbox.findUniqueOrThrow({ where: { address: "bob@example.com" } });
    const scoped = await bob.appPasswords.create({ label: "own mailbox", mailboxId: own.id });
    expect(scoped.login).toBe("bob@example.com");
    expect(scoped.appPassword.mailboxAddress).toBe("bob@example.com");
  });

  it("refuses an empty or too long label with BAD_REQUEST, in words the form translates", async () => {
    const alice = await callerFor(ids.alice.id);
    const before = await db().appPassword.count();
    const empty = await trpcError(alice.appPasswords.create({ label: "   " }));
    expect(empty.code).toBe("BAD_REQUEST");
    expect(errorText(empty.message, tJa)).toBe(ja["errors.appPasswordNeedsLabel"]);
    const long = await trpcError(alice.appPasswords.create({ label: "x".repeat(101) }));
    expect(long.code).toBe("BAD_REQUEST");
    expect(errorText(long.message, tJa)).toBe("100 文字以内で入力してください。");
    const missing = await trpcError(alice.appPasswords.create({} as { label: string }));
    expect(missing.code).toBe("BAD_REQUEST");
    expect(await db().appPassword.count()).toBe(before);
    // 100 characters are fine.
    expect((await alice.appPasswords.create({ label: "y".repeat(100) })).appPassword.label).toHaveLength(100);
  });

  it(`stops at ${MAX_ACTIVE_APP_PASSWORDS} active app passwords per user, until one is revoked`, async () => {
    const alice = await callerFor(ids.alice.id);
    const active = await db().appPassword.count({ where: { userId: ids.alice.id, revokedAt: null } });
    // Fill up to the limit directly (each real creation costs an argon2 hash).
    await db().appPassword.createMany({
      data: Array.from({ length: MAX_ACTIVE_APP_PASSWORDS - active }, (_, i) => ({
        userId: ids.alice.id,
        label: `filler ${i}`,
        hash: `f${String(i).padStart(3, "0")}:not-a-real-hash`,
      })),
    });
    const full = await trpcError(alice.appPasswords.create({ label: "one too many" }));
    expect(full.code).toBe("BAD_REQUEST");
    expect(errorText(full.message, tJa)).toBe(
      ja["errors.tooManyAppPasswords"].replace("{count}", String(MAX_ACTIVE_APP_PASSWORDS)),
    );
    expect(await db().appPassword.count({ where: { userId: ids.alice.id, revokedAt: null } })).toBe(
      MAX_ACTIVE_APP_PASSWORDS,
    );
    const filler = await db().appPassword.findFirstOrThrow({ where: { userId: ids.alice.id, label: "filler 0" } });
    await alice.appPasswords.revoke({ id: filler.id });
    expect((await alice.appPasswords.create({ label: "room again" })).appPassword.label).toBe("room again");
    await db().appPassword.updateMany({
      where: { userId: ids.alice.id, label: { startsWith: "filler" }, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  });

  it("does not show or revoke another user's app password: NOT_FOUND, and it keeps working", async () => {
    const alice = await callerFor(ids.alice.id);
    const bob = await callerFor(ids.bob.id);
    const { appPassword, secret } = await alice.appPasswords.create({ label: "laptop" });
    expect((await bob.appPasswords.list()).map((p) => p.id)).not.toContain(appPassword.id);

    const refused = await trpcError(bob.appPasswords.revoke({ id: appPassword.id }));
    const missing = await trpcError(bob.appPasswords.revoke({ id: 987_654 }));
    expect(refused.code).toBe("NOT_FOUND");
    expect(missing.code).toBe("NOT_FOUND");
    expect(refused.message.replace(/\d+/, "N")).toBe(missing.message.replace(/\d+/, "N"));
    expect(errorText(refused.message, tJa)).toBe(ja["errors.notFound"]);

    const row = await db().appPassword.findUniqueOrThrow({ where: { id: appPassword.id } });
    expect(row.revokedAt).toBeNull();
    expect(await db().auditEvent.count({ where: { action: "app_password.revoke", subjectId: String(row.id) } })).toBe(
      0,
    );
    expect(await login("alice@example.com", secret)).toMatchObject({ ok: true, appPasswordId: appPassword.id });
  });

  it("hands out a secret that logs in as submission checks it, records its use, and stops after revoke", async () => {
    const alice = await callerFor(ids.alice.id);
    const own = await alice.appPasswords.create({ label: "Thunderbird at home" });
    const scoped = await alice.appPasswords.create({ label: "support fetcher", mailboxId: ids.support.id });

    expect(await login(own.login, own.secret)).toMatchObject({
      ok: true,
      login: "alice@example.com",
      mailboxId: null,
      appPasswordId: own.appPassword.id,
      user: { id: ids.alice.id },
    });
    expect(await login(scoped.login, scoped.secret)).toMatchObject({
      ok: true,
      login: "support@example.com",
      mailboxId: ids.support.id,
      appPasswordId: scoped.appPassword.id,
    });
    const used = (await alice.appPasswords.list()).find((p) => p.id === own.appPassword.id);
    expect(used?.lastUsedAt).toEqual(expect.any(String));

    await alice.appPasswords.revoke({ id: own.appPassword.id });
    await alice.appPasswords.revoke({ id: scoped.appPassword.id });
    expect(await login(own.login, own.secret)).toEqual({ ok: false, reason: "invalid" });
    expect(await login(scoped.login, scoped.secret)).toEqual({ ok: false, reason: "invalid" });
  });
});
