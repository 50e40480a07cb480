// People administration through the tRPC procedures the admin pages call
// (admin.users.*, passwordLink.*): every action, its audit event, the rules
// the server keeps (the last admin, an explicit choice for a personal
// mailbox), what disabling stops at once (web sessions, protocol logins with
// the password and with app passwords, round-robin), one-time links, and
// sessions as rows that end one by one. An agent calling any admin procedure
// is answered like a path that does not exist, and that is audited.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxesForLogin } from "../../server/access/gate.ts";
import { createCaller } from "../../server/api/root.ts";
import { createContext } from "../../server/api/trpc.ts";
import { createAppPassword } from "../../server/auth/app-passwords.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { verifyCredentials } from "../../server/auth/verify-credentials.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { setUserDisabled } from "../../server/users/set-disabled.ts";
import { recordSignIn } from "../../server/users/user-sessions.ts";
import { setRoundRobin } from "../../server/workflow/round-robin.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser, TEST_PASSWORD } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "admin-people-test-secret-0123456789abcdef";
const callerFor = sessionCaller(SECRET);
let adminId = 0;

/**
 * A browser's session cookie naming a session row, as a real sign-in makes it.
 * `request()` is one request with it: the context (and so the session check)
 * is built per request, as the HTTP route does.
 */
async function signedIn(userId: number) {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId } });
  const sid = await recordSignIn({ userId, sessionVersion: user.sessionVersion, ip: "192.0.2.7", maxAgeSeconds: 3600 });
  const token = await encode({ token: { sub: String(userId), sv: user.sessionVersion, sid }, secret: SECRET });
  const headers = new Headers({
    host: "yubin.test",
    origin: "http://yubin.test",
    "content-type": "application/json",
    cookie: `next-auth.session-token=${token}`,
  });
  return { sid, request: async () => createCaller(await createContext({ method: "POST", headers })) };
}

async function audits(action: string, subjectId?: number) {
  return db().auditEvent.findMany({
    where: { action, ...(subjectId === undefined ? {} : { subjectId: String(subjectId) }) },
    orderBy: { id: "asc" },
  });
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  adminId = await makeUser("admin@example.com", { admin: true });
});

afterAll(async () => {
  await disconnectDb();
});

describe("authority", () => {
  it("answers an agent's call of any admin procedure like a path that does not exist, and audits it", async () => {
    const agentId = await makeUser("nosy@example.com");
    const agent = await callerFor(agentId);
    const error = await trpcError(agent.admin.users.edit({ userId: adminId, role: "agent" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe('No procedure found on path "admin.users.edit"');
    expect((await trpcError(agent.admin.members.change({ mailboxId: 1, remove: ["x@example.com"] }))).code).toBe(
      "NOT_FOUND",
    );
    const refused = await db().auditEvent.findMany({ where: { action: "admin.refused", actorId: agentId } });
    expect(refused.map((a) => a.subjectId)).toEqual(["admin.users.edit", "admin.members.change"]);
    expect((await db().user.findUniqueOrThrow({ where: { id: adminId } })).role).toBe("admin");
  });
});

describe("edit", () => {
  it("changes name and role, audited; the role applies to the user's next request", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("edit@example.com");
    const before = await callerFor(id);
    expect((await trpcError(before.admin.users.list())).code).toBe("NOT_FOUND");
    expect(await admin.admin.users.edit({ userId: id, name: "Eda Ito", role: "admin" })).toMatchObject({
      name: "Eda Ito",
      role: "admin",
    });
    expect((await (await callerFor(id)).admin.users.list()).length).toBeGreaterThan(0);
    const [event] = await audits("user.edit", id);
    expect(event?.before).toEqual({ name: "edit", role: "agent" });
    expect(event?.after).toEqual({ name: "Eda Ito", role: "admin" });
    // A name the form left empty is refused with a reason.
    expect((await trpcError(admin.admin.users.edit({ userId: id, name: "  " }))).message).toBe("name is required");
    await admin.admin.users.edit({ userId: id, role: "agent" });
  });

  it("never demotes, disables or removes the last enabled admin", async () => {
    const admin = await callerFor(adminId);
    const otherAdmin = await makeUser("second-admin@example.com", { admin: true });
    // With two admins, one may be demoted …
    await admin.admin.users.edit({ userId: otherAdmin, role: "agent" });
    // … and then the remaining one is the last: no one (the CLI neither) can demote or disable them.
    const error = await trpcError(admin.admin.users.edit({ userId: adminId, role: "agent" }));
    expect(error.message).toMatch(/^The last admin cannot be disabled, demoted or removed/);
    await expect(setUserDisabled({ user: { id: adminId }, disabled: true, actorId: null })).rejects.toThrow(
      /^The last admin/,
    );
    expect((await trpcError(admin.admin.users.setDisabled({ userId: adminId, disabled: true }))).message).toBe(
      "You cannot disable your own account.",
    );
    expect((await db().user.findUniqueOrThrow({ where: { id: adminId } })).role).toBe("admin");
    await db().user.delete({ where: { id: otherAdmin } });
  });
});

describe("disable and enable", () => {
  it("ends web sessions, protocol logins and app passwords at once; round-robin skips them; enable restores sign-in", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("dora@example.com");
    const keeper = await makeUser("keeper@example.com");
    const support = await makeSharedMailbox("rr@example.com", ["dora@example.com", "keeper@example.com"]);
    const app = await createAppPassword({ userEmail: "dora@example.com", label: "phone", actorId: null });
    const { request: session } = await signedIn(id);
    expect((await (await session()).me.get()).user.email).toBe("dora@example.com");
    expect(
      (await verifyProtocolCredentials({ login: "dora@example.com", password: app.secret, door: "imap" })).ok,
    ).toBe(true);
    // An IMAP/POP3/SMTP session already logged in asks the gate again before each command.
    expect((await mailboxesForLogin({ user: { id }, mailboxId: null })).length).toBe(2);

    expect(await admin.admin.users.setDisabled({ userId: id, disabled: true })).toEqual({
      email: "dora@example.com",
      disabled: true,
    });
    expect((await trpcError((await session()).me.get())).code).toBe("UNAUTHORIZED");
    expect((await verifyProtocolCredentials({ login: "dora@example.com", password: TEST_PASSWORD })).ok).toBe(false);
    expect(
      (await verifyProtocolCredentials({ login: "dora@example.com", password: app.secret, door: "pop3" })).ok,
    ).toBe(false);
    expect(await mailboxesForLogin({ user: { id }, mailboxId: null })).toEqual([]);
    expect((await verifyCredentials({ email: "dora@example.com", password: TEST_PASSWORD })).ok).toBe(false);
    expect(await admin.admin.users.sessions({ userId: id })).toEqual([]);

    await setRoundRobin({ mailboxId: support, enabled: true, actorId: adminId });
    for (let i = 0; i < 3; i++) {
      const { conversationId } = await deliver(support, { subject: `rr ${i}` });
      const conversation = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
      expect(conversation.assigneeId).toBe(keeper);
    }

    await admin.admin.users.setDisabled({ userId: id, disabled: false });
    expect((await verifyCredentials({ email: "dora@example.com", password: TEST_PASSWORD })).ok).toBe(true);
    // The old session stays ended; enabling does not revive it.
    expect((await trpcError((await session()).me.get())).code).toBe("UNAUTHORIZED");
    expect((await audits("user.disable", id)).length).toBe(1);
    expect((await audits("user.enable", id)).length).toBe(1);
  });
});

describe("sessions", () => {
  it("lists a user's live sessions with their sign-in, and ends one without the others", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("sam@example.com");
    const first = await signedIn(id);
    const second = await signedIn(id);
    const listed = await admin.admin.users.sessions({ userId: id });
    expect(listed.map((s) => s.id).sort()).toEqual([first.sid, second.sid].sort());
    expect(listed[0]?.ip).toBe("192.0.2.7");
    const users = await admin.admin.users.list();
    expect(users.find((u) => u.id === id)?.lastSignInAt).toBeInstanceOf(Date);

    await admin.admin.users.endSession({ userId: id, sessionId: first.sid });
    expect((await trpcError((await first.request()).me.get())).code).toBe("UNAUTHORIZED");
    expect((await (await second.request()).me.get()).user.id).toBe(id);
    expect((await admin.admin.users.sessions({ userId: id })).map((s) => s.id)).toEqual([second.sid]);
    // Another user's session id answers like a missing one.
    const other = await signedIn(adminId);
    expect((await trpcError(admin.admin.users.endSession({ userId: id, sessionId: other.sid }))).code).toBe(
      "NOT_FOUND",
    );
    await admin.admin.users.endSessions({ userId: id });
    expect((await trpcError((await second.request()).me.get())).code).toBe("UNAUTHORIZED");
    expect((await audits("user.end_session", id)).length).toBe(1);
    expect((await audits("user.end_sessions", id)).length).toBe(1);
  });
});

describe("reset password and invitations", () => {
  it("a reset link works once; the old password works until then; the user's sessions end", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("rita@example.com");
    const { request: session } = await signedIn(id);
    const { path } = await admin.admin.users.resetPassword({ userId: id, mode: "link" });
    const token = (path as string).replace("/set-password#", "");
    expect(path).toMatch(/^\/set-password#[\w-]{20,}$/);
    // The database keeps only a hash of the token.
    expect(JSON.stringify(await db().passwordLink.findMany())).not.toContain(token);
    expect((await verifyCredentials({ email: "rita@example.com", password: TEST_PASSWORD })).ok).toBe(true);

    const anyone = await callerFor(null);
    expect(await anyone.passwordLink.peek({ token })).toEqual({ email: "rita@example.com", purpose: "reset" });
    expect((await trpcError(anyone.passwordLink.redeem({ token, password: "short" }))).message).toMatch(
      /^password must be at least/,
    );
    await anyone.passwordLink.redeem({ token, password: "a brand new password" });
    expect((await verifyCredentials({ email: "rita@example.com", password: "a brand new password" })).ok).toBe(true);
    expect((await verifyCredentials({ email: "rita@example.com", password: TEST_PASSWORD })).ok).toBe(false);
    expect((await trpcError((await session()).me.get())).code).toBe("UNAUTHORIZED");
    expect(await anyone.passwordLink.peek({ token })).toBeNull();
    expect((await trpcError(anyone.passwordLink.redeem({ token, password: "another password 2" }))).message).toMatch(
      /^This link is not valid any more/,
    );
    expect((await audits("user.reset_link", id)).length).toBe(1);
    expect((await audits("user.reset_password_by_link", id)).length).toBe(1);
  });

  it("a newer link replaces an older one; an expired link does not work", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("lena@example.com");
    const older = (await admin.admin.users.resetPassword({ userId: id, mode: "link" })).path as string;
    const newer = (await admin.admin.users.resetPassword({ userId: id, mode: "link" })).path as string;
    const anyone = await callerFor(null);
    expect(await anyone.passwordLink.peek({ token: older.slice(14) })).toBeNull();
    expect(await anyone.passwordLink.peek({ token: newer.slice(14) })).not.toBeNull();
    await db().passwordLink.updateMany({ where: { userId: id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await anyone.passwordLink.peek({ token: newer.slice(14) })).toBeNull();
  });

  it("sets a new password directly", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("pia@example.com");
    expect(
      (await trpcError(admin.admin.users.resetPassword({ userId: id, mode: "password", password: "x" }))).message,
    ).toMatch(/^password must be at least/);
    await admin.admin.users.resetPassword({ userId: id, mode: "password", password: "set by the admin 1" });
    expect((await verifyCredentials({ email: "pia@example.com", password: "set by the admin 1" })).ok).toBe(true);
    expect((await audits("user.reset_password", id)).length).toBe(1);
  });

  it("invites a user who cannot sign in until they set a password through the link", async () => {
    const admin = await callerFor(adminId);
    const invited = await admin.admin.users.invite({ email: "Ivy@Example.com", name: "Ivy" });
    expect(invited).toMatchObject({ email: "ivy@example.com", role: "agent" });
    const listed = (await admin.admin.users.list()).find((u) => u.email === "ivy@example.com");
    expect(listed).toMatchObject({ invited: true, personalMailbox: "ivy@example.com", lastSignInAt: null });
    for (const password of ["", TEST_PASSWORD]) {
      expect((await verifyCredentials({ email: "ivy@example.com", password })).ok).toBe(false);
      expect((await verifyProtocolCredentials({ login: "ivy@example.com", password })).ok).toBe(false);
    }
    const anyone = await callerFor(null);
    const token = invited.path.slice("/set-password#".length);
    expect(await anyone.passwordLink.peek({ token })).toEqual({ email: "ivy@example.com", purpose: "invite" });
    await anyone.passwordLink.redeem({ token, password: "ivy's own password" });
    expect((await verifyCredentials({ email: "ivy@example.com", password: "ivy's own password" })).ok).toBe(true);
    expect((await admin.admin.users.list()).find((u) => u.email === "ivy@example.com")?.invited).toBe(false);
    expect((await trpcError(admin.admin.users.invite({ email: "ivy@example.com" }))).code).toBe("CONFLICT");
    expect((await audits("user.invite", invited.id)).length).toBe(1);
    expect((await audits("user.accept_invite", invited.id)).length).toBe(1);
  });
});

describe("remove", () => {
  it("asks explicitly what becomes of the personal mailbox, and keeps it as a shared mailbox", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("ken@example.com");
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: "ken@example.com" } });
    await deliver(mailbox.id, { to: "ken@example.com", subject: "Kept mail" });
    expect((await trpcError(admin.admin.users.remove({ userId: id }))).message).toMatch(
      /^Choose what happens to the personal mailbox/,
    );
    expect((await trpcError(admin.admin.users.remove({ userId: adminId, mailbox: "keep" }))).message).toBe(
      "You cannot remove your own account.",
    );
    expect(await admin.admin.users.remove({ userId: id, mailbox: "keep" })).toEqual({
      email: "ken@example.com",
      mailbox: "ken@example.com",
      handedTo: null,
    });
    expect(await db().user.findUnique({ where: { id } })).toBeNull();
    const kept = await db().mailbox.findUniqueOrThrow({ where: { id: mailbox.id }, include: { memberships: true } });
    expect(kept).toMatchObject({ kind: "shared", userId: null, usedMessages: 1 });
    expect(kept.memberships).toEqual([]);
    const [event] = await audits("user.remove", id);
    expect(event?.after).toEqual({ mailbox: "ken@example.com", handedTo: null });
  });

  it("hands the personal mailbox to another user, who can work in it at once", async () => {
    const admin = await callerFor(adminId);
    const id = await makeUser("leo@example.com");
    const heir = await makeUser("heir@example.com");
    const mailbox = await db().mailbox.findUniqueOrThrow({ where: { address: "leo@example.com" } });
    const { conversationId } = await deliver(mailbox.id, { to: "leo@example.com", subject: "For the heir" });
    const heirCaller = await callerFor(heir);
    expect((await trpcError(heirCaller.conversations.get({ conversationId }))).code).toBe("NOT_FOUND");
    expect(
      (await trpcError(admin.admin.users.remove({ userId: id, mailbox: "handTo", handToUserId: id }))).message,
    ).toBe("Hand the mailbox to someone other than the user removed.");
    await admin.admin.users.remove({ userId: id, mailbox: "handTo", handToUserId: heir });
    expect((await heirCaller.conversations.get({ conversationId })).subject).toBe("For the heir");
    const [event] = await audits("user.remove", id);
    expect(event?.after).toEqual({ mailbox: "leo@example.com", handedTo: "heir@example.com" });
  });
});
