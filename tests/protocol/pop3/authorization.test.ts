// AUTHORIZATION state (RFC 1939 §4, §7; RFC 2449 CAPA; RFC 5034 AUTH PLAIN)
// and the response codes of RFC 2449 §8 and RFC 3206, against the fixture
// backend over real sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";
import { expectTranscript, plainResponse } from "./support/transcript.ts";

describe.each(POP3_BACKENDS)("POP3 login (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  const open: Pop3Client[] = [];
  let supportPassword: string;

  beforeAll(async () => {
    fixture = await createPop3Fixture(kind);
    await fixture.addMailbox("alice@example.com", "alice password", "delete");
    await fixture.addMailbox("bob@example.com", "bob password", "delete");
    await fixture.addMailbox("carol@example.com", "carol password", "delete");
    await fixture.addSharedMailbox("support@example.com", "keep");
    supportPassword = await fixture.addAppPassword("support@example.com");
    await fixture.deliver("alice@example.com", plainMessage("first"));
    servers = await startPop3TestServers(fixture);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
    if (fixture.faults)
      for (const key of Object.keys(fixture.faults)) delete fixture.faults[key as keyof typeof fixture.faults];
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  async function connect(): Promise<Pop3Client> {
    const { client, greeting } = await Pop3Client.connect(servers.plain.port);
    expect(greeting).toBe("+OK pop.example.com Yubin POP3 server ready");
    open.push(client);
    return client;
  }

  describe("POP3 AUTHORIZATION state", () => {
    it("lists capabilities on loopback before TLS, with STLS (RFC 2449 §5)", async () => {
      await expectTranscript(
        await connect(),
        `
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: USER
      S: SASL PLAIN
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: EXPIRE NEVER
      S: STLS
      S: IMPLEMENTATION Yubin
      S: .
      `,
      );
    });

    it("logs in with USER and PASS and reports the maildrop (RFC 1939 §7)", async () => {
      await expectTranscript(
        await connect(),
        `
      C: USER alice@example.com
      S: +OK Send PASS
      C: PASS alice password
      S~ ^\\+OK Logged in, 1 messages \\(\\d+ octets\\)$
      C: QUIT
      S: +OK pop.example.com POP3 server signing off (0 messages deleted)
      `,
      );
    });

    it("answers a wrong password with -ERR [AUTH] and stays in AUTHORIZATION (RFC 3206 §5)", async () => {
      await expectTranscript(
        await connect(),
        `
      C: USER bob@example.com
      S: +OK Send PASS
      C: PASS wrong
      S: -ERR [AUTH] Authentication failed
      C: STAT
      S: -ERR Not logged in
      C: USER bob@example.com
      S: +OK Send PASS
      C: PASS bob password
      S: +OK Logged in, 0 messages (0 octets)
      `,
      );
    });

    it("answers USER for an unknown name exactly like for a known one", async () => {
      await expectTranscript(
        await connect(),
        `
      C: USER nobody@example.com
      S: +OK Send PASS
      C: PASS whatever
      S: -ERR [AUTH] Authentication failed
      `,
      );
    });

    it("wants USER right before PASS", async () => {
      await expectTranscript(
        await connect(),
        `
      C: PASS alice password
      S: -ERR Send USER first
      `,
      );
    });

    it("logs in with AUTH PLAIN and an initial response (RFC 5034 §4)", async () => {
      await expectTranscript(
        await connect(),
        `
      C: AUTH PLAIN ${plainResponse("bob@example.com", "bob password")}
      S: +OK Logged in, 0 messages (0 octets)
      `,
      );
    });

    it("logs in with AUTH PLAIN after an empty challenge", async () => {
      await expectTranscript(
        await connect(),
        `
      C: AUTH PLAIN
      S~ ^\\+ $
      C: ${plainResponse("bob@example.com", "bob password", "bob@example.com")}
      S: +OK Logged in, 0 messages (0 octets)
      `,
      );
    });

    it("cancels AUTH on '*', refuses bad base64, a foreign authzid and '=' (empty)", async () => {
      const client = await connect();
      client.write("AUTH PLAIN\r\n");
      expect(await client.readLine()).toBe("+ ");
      await expectTranscript(
        client,
        `
      C: *
      S: -ERR Authentication cancelled
      C: AUTH PLAIN not*base64
      S: -ERR Invalid base64 in the authentication response
      C: AUTH PLAIN ${plainResponse("bob@example.com", "bob password", "alice@example.com")}
      S: -ERR [AUTH] Authentication failed
      C: AUTH PLAIN =
      S: -ERR [AUTH] Authentication failed
      C: AUTH CRAM-MD5
      S: -ERR Unsupported authentication mechanism
      C: AUTH
      S: +OK Supported mechanisms follow
      S: PLAIN
      S: .
      `,
      );
    });

    it("refuses AUTH PLAIN with an extra NUL field or CR LF in a field exactly like bad credentials (RFC 4616 §2)", async () => {
      const raw = (text: string) => Buffer.from(text).toString("base64");
      // Two tries per connection: the third failure closes it (MAX_FAILED_LOGINS_PER_CONNECTION).
      const tries = [
        "\0bob@example.com\0bob password\0extra",
        "\0bob@example.com\0\0bob password",
        "\0bob@example.com\r\nX-Injected: 1\0bob password",
        "\0bob@example.com\0bob password\r\n",
        "\0nobody@example.com\0bob password",
        "\0bob@example.com\0wrong",
      ];
      for (let i = 0; i < tries.length; i += 2) {
        await expectTranscript(
          await connect(),
          `
      C: AUTH PLAIN ${raw(tries[i] as string)}
      S: -ERR [AUTH] Authentication failed
      C: AUTH PLAIN ${raw(tries[i + 1] as string)}
      S: -ERR [AUTH] Authentication failed
      C: STAT
      S: -ERR Not logged in
      `,
        );
      }
    });

    it("logs in to a shared mailbox with an app password made for it", async () => {
      await expectTranscript(
        await connect(),
        `
      C: USER support@example.com
      S: +OK Send PASS
      C: PASS ${supportPassword}
      S: +OK Logged in, 0 messages (0 octets)
      `,
      );
    });

    it("refuses a second session of the same login with -ERR [IN-USE] (RFC 2449 §8.1.1)", async () => {
      const first = await connect();
      await expectTranscript(first, "C: USER alice@example.com\nS: +OK Send PASS\nC: PASS alice password\nS~ ^\\+OK");
      await expectTranscript(
        await connect(),
        `
      C: USER alice@example.com
      S: +OK Send PASS
      C: PASS alice password
      S: -ERR [IN-USE] Maildrop is in use by another session
      `,
      );
      await expectTranscript(first, "C: QUIT\nS~ ^\\+OK");
      await first.closed();
      await expectTranscript(
        await connect(),
        "C: USER alice@example.com\nS~ ^\\+OK\nC: PASS alice password\nS~ ^\\+OK",
      );
    });

    it("throttles repeated failures with -ERR [SYS/TEMP], even with the right password (RFC 3206 §4)", async () => {
      const client = await connect();
      await expectTranscript(
        client,
        `
      C: USER carol@example.com
      C: PASS bad 1
      C: USER carol@example.com
      C: PASS bad 2
      S: +OK Send PASS
      S: -ERR [AUTH] Authentication failed
      S: +OK Send PASS
      S: -ERR [AUTH] Authentication failed
      C: USER carol@example.com
      C: PASS bad 3
      S: +OK Send PASS
      S: -ERR [AUTH] Authentication failed
      `,
      );
      // MAX_FAILED_LOGINS_PER_CONNECTION (3): the connection is closed.
      await client.closed();
      const next = await connect();
      // The account's limit (shared with every protocol: server/auth/throttle.ts) is reached on this connection.
      for (let failure = 4; failure <= fixture.maxFailedLogins; failure++) {
        await expectTranscript(
          next,
          `C: AUTH PLAIN ${plainResponse("carol@example.com", `bad ${failure}`)}\nS: -ERR [AUTH] Authentication failed`,
        );
      }
      await expectTranscript(
        next,
        `
      C: AUTH PLAIN ${plainResponse("carol@example.com", "carol password")}
      S: -ERR [SYS/TEMP] Too many failed logins, try again later
      `,
      );
    });

    it("says [SYS/TEMP] when logins cannot be checked and [SYS/PERM] when the maildrop is gone", async ({ skip }) => {
      // Fault injection exists only in the in-memory backend.
      const faults = fixture.faults;
      if (!faults) return skip();
      faults.login = "temporary-failure";
      const client = await connect();
      await expectTranscript(
        client,
        `
      C: USER bob@example.com
      S: +OK Send PASS
      C: PASS bob password
      S: -ERR [SYS/TEMP] Temporary failure, try again later
      `,
      );
      delete faults.login;
      faults.open = "permanent-failure";
      await expectTranscript(
        client,
        `
      C: USER bob@example.com
      S: +OK Send PASS
      C: PASS bob password
      S: -ERR [SYS/PERM] Maildrop is not available
      `,
      );
      faults.open = "temporary-failure";
      await expectTranscript(
        client,
        `
      C: USER bob@example.com
      S: +OK Send PASS
      C: PASS bob password
      S: -ERR [SYS/TEMP] Temporary failure, try again later
      `,
      );
      expect(await fixture.heldLocks()).toBe(0);
    });

    it("refuses TRANSACTION commands before login and unknown commands always", async () => {
      await expectTranscript(
        await connect(),
        `
      C: STAT
      S: -ERR Not logged in
      C: RETR 1
      S: -ERR Not logged in
      C: NOOP
      S: -ERR Not logged in
      C: APOP alice@example.com c4c9334bac560ecc979e58001b3e22fb
      S: -ERR Unknown command
      C: QUIT
      S: +OK pop.example.com POP3 server signing off
      `,
      );
    });
  });

  // Yubin over PostgreSQL enforces no login delay (CAPA does not announce one); the protocol core does, when a backend asks.
  describe.skipIf(kind === "postgres")("POP3 LOGIN-DELAY (RFC 2449 §6.5, §8.1.2)", () => {
    let delayed: Pop3TestServers;
    let delayFixture: Pop3Fixture;

    // biome-ignore lint/suspicious/noDuplicateTestHooks: this block's own hooks; Biome does not see describe.skipIf(…)(…) as a new block
    beforeAll(async () => {
      delayFixture = await createPop3Fixture(kind, { loginDelaySeconds: 900 });
      await delayFixture.addMailbox("dave@example.com", "dave password", "delete");
      delayed = await startPop3TestServers(delayFixture);
    });

    // biome-ignore lint/suspicious/noDuplicateTestHooks: as above
    afterAll(async () => {
      await delayed?.close();
      await delayFixture?.close();
    });

    it("advertises the delay and refuses a login too soon with -ERR [LOGIN-DELAY]", async () => {
      const { client } = await Pop3Client.connect(delayed.plain.port);
      open.push(client);
      await expectTranscript(
        client,
        `
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: USER
      S: SASL PLAIN
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: EXPIRE NEVER
      S: LOGIN-DELAY 900
      S: STLS
      S: IMPLEMENTATION Yubin
      S: .
      C: USER dave@example.com
      S: +OK Send PASS
      C: PASS dave password
      S: +OK Logged in, 0 messages (0 octets)
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: USER
      S: SASL PLAIN
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: EXPIRE NEVER
      S: LOGIN-DELAY 900
      S: IMPLEMENTATION Yubin
      S: .
      C: QUIT
      S~ ^\\+OK
      `,
      );
      const { client: again } = await Pop3Client.connect(delayed.plain.port);
      open.push(again);
      await expectTranscript(
        again,
        `
      C: USER dave@example.com
      S: +OK Send PASS
      C: PASS dave password
      S: -ERR [LOGIN-DELAY] Logged in too recently, try again later
      `,
      );
    });
  });
});
