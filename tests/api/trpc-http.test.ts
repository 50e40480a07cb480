// The tRPC procedure tiers against a real database, through the same context
// builder the HTTP route uses (session cookie → user re-read from the DB).
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "../../server/api/root.ts";
import { createContext } from "../../server/api/trpc.ts";
import { db } from "../../server/db.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { createUser } from "../../server/users/create-user.ts";
import { useTestDatabase } from "../support/database.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "web-trpc-test-secret-0123456789abcdef";
const PASSWORD = "correct horse battery";

let adminId: number;
let agentId: number;
let outsiderId: number;
let teamMateId: number;
let supportId: number;
let salesId: number;

const callerFor = sessionCaller(SECRET);

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
  adminId = (await createUser({ email: "admin@example.com", password: PASSWORD, role: "admin", actorId: null })).user
    .id;
  agentId = (await createUser({ email: "agent@example.com", password: PASSWORD, actorId: null })).user.id;
  outsiderId = (await createUser({ email: "outsider@example.com", password: PASSWORD, actorId: null })).user.id;
  teamMateId = (await createUser({ email: "teammate@example.com", password: PASSWORD, actorId: null })).user.id;
  supportId = (
    await createMailbox({
      address: "support@example.com",
      kind: "shared",
      memberEmails: ["agent@example.com"],
      actorId: null,
    })
  ).id;
  salesId = (await createMailbox({ address: "sales@example.com", kind: "shared", actorId: null })).id;
  // Teams have no domain function yet: a membership through a team, made directly.
  const team = await db().team.create({ data: { name: "Sales team", members: { create: { userId: teamMateId } } } });
  await db().membership.create({ data: { mailboxId: salesId, teamId: team.id } });
});

describe("public and signed-in tiers", () => {
  it("answers a public procedure without a session", async () => {
    expect(await (await callerFor(null)).me.session()).toBeNull();
  });

  it("refuses a protected procedure without a session", async () => {
    expect((await trpcError((await callerFor(null)).me.get())).code).toBe("UNAUTHORIZED");
  });

  it("refuses a session token that was not signed with our secret", async () => {
    const forged = await encode({ token: { sub: String(adminId) }, secret: "someone-elses-secret-0123456789" });
    const caller = createCaller(
      await createContext({ method: "GET", headers: new Headers({ cookie: `next-auth.session-token=${forged}` }) }),
    );
    expect((await trpcError(caller.me.get())).code).toBe("UNAUTHORIZED");
  });

  it("gives a signed-in user their profile and their mailboxes", async () => {
    const me = await (await callerFor(agentId)).me.get();
    expect(me.user).toEqual({ id: agentId, email: "agent@example.com", name: "agent", role: "agent" });
    expect(me.mailboxes.map((m) => m.address)).toEqual(["support@example.com", "agent@example.com"]);
  });

  it("counts a membership through a team", async () => {
    const me = await (await callerFor(teamMateId)).me.get();
    expect(me.mailboxes.map((m) => m.address)).toContain("sales@example.com");
  });
});

describe("admin tier", () => {
  it("answers non-admins as if the procedure did not exist", async () => {
    const agent = await callerFor(agentId);
    expect((await trpcError(agent.admin.users.list())).code).toBe("NOT_FOUND");
    expect((await trpcError(agent.admin.domains.add({ name: "evil.example" }))).code).toBe("NOT_FOUND");
    expect((await trpcError((await callerFor(null)).admin.mailboxes.list())).code).toBe("UNAUTHORIZED");
  });

  it("lists users without password hashes, and mailboxes with usage and members", async () => {
    const admin = await callerFor(adminId);
    const users = await admin.admin.users.list();
    expect(users.map((u) => u.email)).toContain("agent@example.com");
    expect(JSON.stringify(users)).not.toContain("argon2");
    const mailboxes = await admin.admin.mailboxes.list();
    const support = mailboxes.find((m) => m.address === "support@example.com");
    expect(support).toMatchObject({ kind: "shared", usedBytes: 0, quotaBytes: null, members: ["agent@example.com"] });
    expect(mailboxes.find((m) => m.address === "sales@example.com")?.members).toEqual(["team Sales team"]);
  });

  it("returns the domain functions' messages for invalid input", async () => {
    const admin = await callerFor(adminId);
    const short = await trpcError(admin.admin.users.create({ email: "new@example.com", password: "short" }));
    expect(short.code).toBe("BAD_REQUEST");
    expect(short.message).toBe("password must be at least 10 characters");
    const duplicate = await trpcError(admin.admin.users.create({ email: "Agent@Example.com", password: PASSWORD }));
    expect(duplicate).toMatchObject({ code: "CONFLICT", message: "user agent@example.com already exists" });
    const foreign = await trpcError(admin.admin.mailboxes.create({ address: "help@example.org", shared: true }));
    expect(foreign.code).toBe("BAD_REQUEST");
    expect(foreign.message).toMatch(/^example\.org is not a local domain: /);
    const noUser = await trpcError(
      admin.admin.mailboxes.create({ address: "help@example.com", memberEmails: ["nobody@example.com"] }),
    );
    expect(noUser.code).toBe("NOT_FOUND");
    const badQuota = await trpcError(admin.quotas.setLimits({ address: "support@example.com", quota: "lots" }));
    expect(badQuota.code).toBe("BAD_REQUEST");
    expect(badQuota.message).toContain('"lots" is not a size');
    const badDomain = await trpcError(admin.admin.domains.add({ name: "not a domain" }));
    expect(badDomain).toMatchObject({ code: "BAD_REQUEST", message: '"not a domain" is not a valid domain name' });
  });

  it("creates users, domains and mailboxes and sets quotas as the admin, with audit events", async () => {
    const admin = await callerFor(adminId);
    const domain = await admin.admin.domains.add({ name: "Example.NET" });
    expect(domain).toEqual({ id: expect.any(Number), name: "example.net" });
    const user = await admin.admin.users.create({ email: "new@example.net", password: PASSWORD, name: "New Person" });
    expect(user).toMatchObject({ email: "new@example.net", role: "agent", personalMailbox: "new@example.net" });
    const mailbox = await admin.admin.mailboxes.create({
      address: "billing@example.net",
      shared: true,
      memberEmails: ["new@example.net"],
      quota: "500MB",
    });
    expect(mailbox).toMatchObject({ address: "billing@example.net", kind: "shared" });
    expect(await admin.quotas.setLimits({ address: "billing@example.net", quota: "2GB" })).toMatchObject({
      address: "billing@example.net",
      quotaBytes: 2 * 1024 ** 3,
    });
    const domains = await admin.admin.domains.list();
    expect(domains.find((d) => d.name === "example.net")?.dnsRecords).toContain("example.net.\tMX\t10 ");

    const events = await db().auditEvent.findMany({ where: { actorId: adminId }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual([
      "domain.add",
      "mailbox.create",
      "user.create",
      "mailbox.create",
      "mailbox.quota",
    ]);
  });
});

describe("mailbox tier", () => {
  it("lets a member read the mailbox", async () => {
    const summary = await (await callerFor(agentId)).mailbox.get({ mailboxId: supportId });
    expect(summary).toMatchObject({ address: "support@example.com", kind: "shared", usedBytes: 0, quotaBytes: null });
    expect(summary.folders.map((f) => f.name)).toContain("INBOX");
  });

  it("lets a team member read the team's mailbox", async () => {
    expect((await (await callerFor(teamMateId)).mailbox.get({ mailboxId: salesId })).address).toBe("sales@example.com");
  });

  it("answers a non-member exactly like a mailbox that does not exist", async () => {
    const outsider = await callerFor(outsiderId);
    const hidden = await trpcError(outsider.mailbox.get({ mailboxId: supportId }));
    const missing = await trpcError(outsider.mailbox.get({ mailboxId: 999_999 }));
    expect({ code: hidden.code, message: hidden.message }).toEqual({ code: "NOT_FOUND", message: "No such mailbox." });
    expect({ code: missing.code, message: missing.message }).toEqual({ code: hidden.code, message: hidden.message });
  });

  it("does not make admins members of every mailbox", async () => {
    expect((await trpcError((await callerFor(adminId)).mailbox.get({ mailboxId: supportId }))).code).toBe("NOT_FOUND");
  });
});

describe("request checks", () => {
  it("refuses mutations from another origin or without JSON, and still answers queries", async () => {
    const crossSite = await callerFor(adminId, { origin: "https://evil.example" });
    expect((await trpcError(crossSite.admin.domains.add({ name: "x.example" }))).code).toBe("FORBIDDEN");
    expect(await crossSite.admin.users.list()).not.toHaveLength(0);
    const formPost = await callerFor(adminId, { "content-type": "multipart/form-data; boundary=x" });
    expect((await trpcError(formPost.admin.domains.add({ name: "x.example" }))).code).toBe("FORBIDDEN");
    expect(await db().domain.findUnique({ where: { name: "x.example" } })).toBeNull();
  });

  it("takes a disabled user's access away at once, whatever the session cookie says", async () => {
    const victim = (await createUser({ email: "leaver@example.com", password: PASSWORD, role: "admin", actorId: null }))
      .user;
    expect((await (await callerFor(victim.id)).me.get()).user.email).toBe("leaver@example.com");
    await db().user.update({ where: { id: victim.id }, data: { disabled: true } });
    const caller = await callerFor(victim.id);
    expect(await caller.me.session()).toBeNull();
    expect((await trpcError(caller.admin.users.list())).code).toBe("UNAUTHORIZED");
  });

  it("takes admin rights away as soon as the role changes", async () => {
    const demoted = (
      await createUser({ email: "demoted@example.com", password: PASSWORD, role: "admin", actorId: null })
    ).user;
    await db().user.update({ where: { id: demoted.id }, data: { role: "agent" } });
    expect((await trpcError((await callerFor(demoted.id)).admin.users.list())).code).toBe("NOT_FOUND");
  });
});
