// Admin → Connectors' procedures as the browser calls them: an admin adds a
// connector (audited, the password sealed and never in any answer), lists,
// pauses, resumes and removes it, and Test connection reports a refused
// port without saving anything; hostile input gets a clear refusal; an agent
// gets NOT_FOUND for every procedure, audited as admin.refused.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";
import { scratchDir } from "../support/yubin-process.ts";

const SECRET = "admin-connectors-test-secret-0123456789abcdef";
const caller = sessionCaller(SECRET);
const PASSWORD = "very-secret-app-password";
let adminId = 0;
let agentId = 0;
let supportId = 0;
let personalId = 0;

const settings = (port = 993) => ({
  host: "imap.remote.example",
  port,
  tls: "implicit" as const,
  username: "support@remote.example",
  password: PASSWORD,
  folders: ["INBOX", "Archive"],
  since: "2026-01-01",
});

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  process.env.YUBIN_DATA_DIR = scratchDir("admin-connectors-");
  await useTestDatabase();
  await makeDomain();
  adminId = await makeUser("admin@example.com", { admin: true });
  agentId = await makeUser("agent@example.com");
  supportId = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  personalId = (await db().mailbox.findUniqueOrThrow({ where: { address: "agent@example.com" } })).id;
});

afterAll(async () => {
  await disconnectDb();
});

describe("admin.connectors", () => {
  it("adds, lists, pauses, resumes and removes, audited, never returning the password", async () => {
    const admin = await caller(adminId);
    const added = await admin.admin.connectors.add({ mailboxId: supportId, ...settings() });
    expect(added).toMatchObject({
      address: "support@example.com",
      url: "imaps://support%40remote.example@imap.remote.example:993",
      folders: ["INBOX", "Archive"],
      since: "2026-01-01T00:00:00.000Z",
      status: "waiting",
      percent: 100,
    });
    const list = await admin.admin.connectors.list();
    expect(list).toHaveLength(1);
    expect(JSON.stringify([added, list])).not.toContain(PASSWORD);
    const row = await db().connector.findFirstOrThrow();
    expect(row.passwordBox).not.toContain(PASSWORD);
    expect((await admin.admin.connectors.pause({ connectorId: added.id })).status).toBe("paused");
    expect((await admin.admin.connectors.resume({ connectorId: added.id })).status).toBe("waiting");
    await admin.admin.connectors.remove({ connectorId: added.id });
    expect(await admin.admin.connectors.list()).toEqual([]);
    const audit = await db().auditEvent.findMany({
      where: { action: { startsWith: "connector." } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["connector.add", adminId],
      ["connector.pause", adminId],
      ["connector.resume", adminId],
      ["connector.remove", adminId],
    ]);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it("tests without saving: a refused port is named; hostile input is refused clearly", async () => {
    const admin = await caller(adminId);
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const report = await admin.admin.connectors.test({ ...settings(closed), host: "127.0.0.1" });
    expect(report).toMatchObject({
      ok: false,
      failedStep: "tcp",
      message: `TCP: 127.0.0.1:${closed} refused the connection`,
    });
    expect(await db().connector.count()).toBe(0);
    expect((await trpcError(admin.admin.connectors.add({ mailboxId: personalId, ...settings() }))).message).toMatch(
      /is not a shared mailbox/,
    );
    expect((await trpcError(admin.admin.connectors.add({ mailboxId: 99999, ...settings() }))).code).toBe("NOT_FOUND");
    expect((await trpcError(admin.admin.connectors.test({ ...settings(), host: "evil host\r\n" }))).code).toBe(
      "BAD_REQUEST",
    );
    expect((await trpcError(admin.admin.connectors.test({ ...settings(), port: 0 }))).code).toBe("BAD_REQUEST");
    expect(
      (await trpcError(admin.admin.connectors.add({ mailboxId: supportId, ...settings(), folders: ["A\r\nB"] }))).code,
    ).toBe("BAD_REQUEST");
    expect((await trpcError(admin.admin.connectors.pause({ connectorId: 424242 }))).code).toBe("NOT_FOUND");
  });

  it("answers an agent NOT_FOUND for every procedure, audited", async () => {
    const agent = await caller(agentId);
    const before = await db().auditEvent.count({ where: { action: "admin.refused" } });
    expect((await trpcError(agent.admin.connectors.list())).code).toBe("NOT_FOUND");
    expect((await trpcError(agent.admin.connectors.add({ mailboxId: supportId, ...settings() }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await trpcError(agent.admin.connectors.test(settings()))).code).toBe("NOT_FOUND");
    expect((await trpcError(agent.admin.connectors.remove({ connectorId: 1 }))).code).toBe("NOT_FOUND");
    expect(
      (await trpcError(agent.admin.connectors.edit({ connectorId: 1, ...settings(), markSeen: "imported" }))).code,
    ).toBe("NOT_FOUND");
    expect(await db().auditEvent.count({ where: { action: "admin.refused" } })).toBe(before + 5);
    expect(await db().connector.count()).toBe(0);
  });

  it("edits a connector: write-back and a relay, the stored passwords kept when left empty, never returned", async () => {
    const admin = await caller(adminId);
    const added = await admin.admin.connectors.add({ mailboxId: supportId, ...settings() });
    const box = (await db().connector.findUniqueOrThrow({ where: { id: added.id } })).passwordBox;
    const relay = {
      host: "smtp.remote.example",
      port: 587,
      tls: "starttls" as const,
      username: "support@remote.example",
      password: "relay-app-password",
      checkCertificate: true,
    };
    const edited = await admin.admin.connectors.edit({
      connectorId: added.id,
      ...settings(),
      password: "",
      folders: ["INBOX"],
      markSeen: "closed",
      moveTo: "Done",
      relay,
    });
    expect(edited).toMatchObject({
      folders: ["INBOX"],
      markSeen: "closed",
      moveTo: "Done",
      relay: { url: "smtp://support%40remote.example@smtp.remote.example:587", port: 587, tls: "starttls" },
    });
    expect(JSON.stringify(edited)).not.toMatch(/relay-app-password|very-secret/);
    const row = await db().connector.findUniqueOrThrow({ where: { id: added.id } });
    expect(row.passwordBox).toBe(box);
    expect(row.relayPasswordBox).toMatch(/^v1:/);
    // The relay's password left empty the second time: kept.
    await admin.admin.connectors.edit({
      connectorId: added.id,
      ...settings(),
      password: "",
      relay: { ...relay, password: "" },
    });
    expect((await db().connector.findUniqueOrThrow({ where: { id: added.id } })).relayPasswordBox).toBe(
      row.relayPasswordBox,
    );
    // Hostile or impossible edits are refused one at a time with the reason.
    const refused = [
      [{ relay: { ...relay, host: "evil host\r\n" } }, /BAD_REQUEST/],
      [{ relay: { ...relay, host: "other.example", password: "" } }, /needs its password too/],
      [{ moveTo: "INBOX", folders: ["INBOX"] as string[] }, /cannot also be where imported mail is moved/],
      [{ username: "someone-else", password: "" }, /needs its password too/],
    ] as const;
    for (const [change, message] of refused) {
      const e = await trpcError(
        admin.admin.connectors.edit({ connectorId: added.id, ...settings(), password: "", ...change }),
      );
      expect(`${e.code} ${e.message}`).toMatch(message);
    }
    expect((await trpcError(admin.admin.connectors.edit({ connectorId: 4242, ...settings() }))).code).toBe("NOT_FOUND");
    const audit = await db().auditEvent.findMany({ where: { action: "connector.edit" } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toMatch(/relay-app-password|very-secret/);
    await admin.admin.connectors.remove({ connectorId: added.id });
  });
});
