// Colleagues behind one office NAT: every POP3 client of the office comes
// from the same address, and their mail clients poll at the same moment.
// Logins that arrive together must all get in (server/auth/throttle.ts waits
// for the checks in flight instead of refusing on them), while guesses from
// that address are still stopped after the limit. Real throttle, real
// PostgreSQL, real sockets from 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS_POLICY, PAIR_POLICY } from "../../../server/limits.ts";
import { plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";

const COLLEAGUES = 10;

describe("POP3 logins from one office address (postgres backend)", () => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  const supportSecrets: string[] = [];

  beforeAll(async () => {
    fixture = await createPop3Fixture("postgres");
    for (let i = 1; i <= COLLEAGUES; i++) {
      await fixture.addMailbox(`colleague${i}@example.com`, `colleague ${i} password`, "delete");
      await fixture.deliver(`colleague${i}@example.com`, plainMessage(`for colleague ${i}`));
    }
    await fixture.addSharedMailbox("support@example.com", "keep");
    for (let i = 0; i < COLLEAGUES; i++) supportSecrets.push(await fixture.addAppPassword("support@example.com"));
    await fixture.deliver("support@example.com", plainMessage("for the team"));
    servers = await startPop3TestServers(fixture);
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  async function logIn(user: string, password: string): Promise<string> {
    const { client } = await Pop3Client.connect(servers.plain.port);
    try {
      expect(await client.send(`USER ${user}`)).toMatch(/^\+OK/);
      const answer = await client.send(`PASS ${password}`);
      if (answer.startsWith("+OK")) expect(await client.send("QUIT")).toMatch(/^\+OK/);
      return answer;
    } finally {
      client.close();
    }
  }

  it(`lets ${COLLEAGUES} different users log in at once from 127.0.0.1`, async () => {
    const answers = await Promise.all(
      Array.from({ length: COLLEAGUES }, (_, i) =>
        logIn(`colleague${i + 1}@example.com`, `colleague ${i + 1} password`),
      ),
    );
    expect(answers).toEqual(
      Array.from({ length: COLLEAGUES }, () => expect.stringMatching(/^\+OK Logged in, 1 messages/)),
    );
  });

  it(`lets ${COLLEAGUES} colleagues log in to the shared mailbox at once, each with their app password (more than the ${PAIR_POLICY.maxAttempts} attempts of one login and address)`, async () => {
    expect(COLLEAGUES).toBeGreaterThan(PAIR_POLICY.maxAttempts);
    const answers = await Promise.all(supportSecrets.map((secret) => logIn("support@example.com", secret)));
    expect(answers).toEqual(supportSecrets.map(() => expect.stringMatching(/^\+OK Logged in, 1 messages/)));
  });

  it("still refuses guesses from that address after the limit, with [SYS/TEMP], right password or not", async () => {
    const guesses = await Promise.all(
      Array.from({ length: PAIR_POLICY.maxAttempts * 3 }, (_, i) => logIn("colleague1@example.com", `guess ${i}`)),
    );
    const failed = guesses.filter((answer) => answer.startsWith("-ERR [AUTH]")).length;
    const throttled = guesses.filter((answer) => answer.startsWith("-ERR [SYS/TEMP]")).length;
    // The address is known for colleague1 (it logged in above): the same 5 checks, then a short lock.
    expect({ failed, throttled }).toEqual({ failed: PAIR_POLICY.maxAttempts, throttled: PAIR_POLICY.maxAttempts * 2 });
    expect(await logIn("colleague1@example.com", "colleague 1 password")).toMatch(/^-ERR \[SYS\/TEMP\]/);
    // Colleagues are not locked out by one person's guesses (the address is far from its own limit).
    expect(PAIR_POLICY.maxAttempts * 3).toBeLessThan(ADDRESS_POLICY.maxAttempts);
    expect(await logIn("colleague2@example.com", "colleague 2 password")).toMatch(/^\+OK/);
  });
});
