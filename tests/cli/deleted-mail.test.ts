// yubin deleted list|restore|retention|purge as an operator runs them: the
// same domain functions as the recovery page, by mailbox address; bad input
// exits 1 (a message) or 2 (usage).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operatorMailbox } from "../../server/access/gate.ts";
import { db, disconnectDb } from "../../server/db.ts";
import { deleteMail } from "../../server/recovery/delete-mail.ts";
import { runCli, runCliInProcess } from "../support/cli.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox } from "../support/factories.ts";

let env: Record<string, string>;
let support = 0;

beforeAll(async () => {
  env = { DATABASE_URL: await useTestDatabase() };
  await makeDomain("example.com");
  support = await makeSharedMailbox("support@example.com", []);
});

afterAll(async () => {
  await disconnectDb();
});

async function deleteOne(subject: string, from = "Kenji <kenji@shop.example>") {
  const mail = await deliver(support, { subject, from });
  const mailboxId = await operatorMailbox("support@example.com");
  if (mailboxId === null) throw new Error("no support mailbox");
  await deleteMail({
    mailboxId,
    select: { messageIds: [mail.storedMessageId] },
    actorId: null,
    door: "cli",
  });
  return mail;
}

describe("yubin deleted", () => {
  it("lists a mailbox's deleted mail, filtered, as text and JSON; restores a message back into its conversation", async () => {
    const refund = await deleteOne("Refund for order 77");
    await deleteOne("Invoice question", "Mia <mia@buyer.example>");
    await deliver(support, { subject: "Still here" });

    const all = await runCliInProcess(["deleted", "list", "Support@Example.com"], env);
    expect([all.stderr, all.code]).toEqual(["", 0]);
    const lines = all.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(all.stdout).not.toContain("Still here");
    expect(
      lines
        .find((l) => l.includes("Refund"))
        ?.split("\t")
        .slice(0, 1),
    ).toEqual([String(refund.storedMessageId)]);

    const json = await runCliInProcess(["deleted", "list", "support@example.com", "--from", "mia", "--json"], env);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { subject: string }[]).map((m) => m.subject)).toEqual(["Invoice question"]);

    const restored = await runCli(
      ["deleted", "restore", "support@example.com", "--message", String(refund.storedMessageId)],
      env,
    );
    expect([restored.stderr, restored.code]).toEqual(["", 0]);
    expect(restored.stdout).toBe(
      `support@example.com: restored 1 message(s); conversation ${refund.conversationId} is back\n`,
    );
    const message = await db().message.findUniqueOrThrow({ where: { id: refund.storedMessageId } });
    expect(message.deletedAt).toBeNull();
    const audit = await db().auditEvent.findFirst({
      where: { action: "message.restore", subjectId: String(refund.storedMessageId) },
    });
    expect(audit?.actorId).toBeNull();

    // Restored already: nothing to restore, said plainly.
    const again = await runCliInProcess(
      ["deleted", "restore", "support@example.com", "--message", String(refund.storedMessageId)],
      env,
    );
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining("No such deleted mail")]);
  });

  it("shows and sets the retention window; purge removes what is past it", async () => {
    const shown = await runCliInProcess(["deleted", "retention", "support@example.com"], env);
    expect(shown.stdout).toBe("support@example.com: deleted mail is kept 30 days (the default)\n");
    const set = await runCliInProcess(["deleted", "retention", "support@example.com", "7"], env);
    expect([set.stderr, set.stdout]).toEqual(["", "support@example.com: deleted mail is kept 7 days\n"]);
    expect((await db().mailbox.findUniqueOrThrow({ where: { id: support } })).deletedRetentionDays).toBe(7);

    const old = await deleteOne("Deleted long ago");
    await db().message.update({
      where: { id: old.storedMessageId },
      data: { deletedAt: new Date(Date.now() - 8 * 86_400_000) },
    });
    const purge = await runCliInProcess(["deleted", "purge"], env);
    expect(purge.code).toBe(0);
    expect(purge.stdout).toMatch(/^purged 1 message\(s\) past their retention window/);
    expect(await db().message.findUnique({ where: { id: old.storedMessageId } })).toBeNull();
    // The others are within 7 days and stay.
    expect((await runCliInProcess(["deleted", "list", "support@example.com", "--json"], env)).stdout).toContain(
      "Invoice question",
    );

    const back = await runCliInProcess(["deleted", "retention", "support@example.com", "default"], env);
    expect(back.stdout).toBe("support@example.com: deleted mail is kept 30 days (the default)\n");
  });

  it("refuses bad input with a reason", async () => {
    const cases: [string[], number, string][] = [
      [["deleted", "list", "nobody@example.com"], 1, "no mailbox nobody@example.com"],
      [["deleted", "list", "support@example.com", "--since", "yesterday"], 1, "is not a date"],
      [["deleted", "restore", "support@example.com"], 2, "exactly one of --message"],
      [["deleted", "restore", "support@example.com", "--message", "1", "--conversation", "2"], 2, "exactly one of"],
      [["deleted", "restore", "support@example.com", "--message", "1;drop"], 1, "is not an id"],
      [["deleted", "retention", "support@example.com", "0"], 1, "whole number of days from 1"],
      [["deleted", "retention", "support@example.com", "soon"], 1, "is not a number of days"],
      [["deleted", "shred"], 2, "needs one of: list, restore, retention, purge"],
    ];
    for (const [args, code, text] of cases) {
      const r = await runCliInProcess(args, env);
      expect([args.join(" "), r.code, r.stderr]).toEqual([args.join(" "), code, expect.stringContaining(text)]);
    }
  });
});
