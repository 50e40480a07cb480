// Any-state and not-authenticated commands (RFC 9051 §6.1, §6.2) and the
// hostile-input rules: literals before login, NUL, garbage, wrong states.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FixtureFactory, type ImapFixture, USERS } from "../support/imap-fixture.ts";
import { transcript } from "../support/transcript.ts";
import { TranscriptClient } from "../support/transcript-client.ts";

const { alice } = USERS;
const PLAIN = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`).toString("base64");

export function sessionTranscripts(factory: FixtureFactory): void {
  describe("session commands", () => {
    let fixture: ImapFixture;
    let client: TranscriptClient;
    beforeEach(async () => {
      fixture = await factory();
      client = await TranscriptClient.connect(fixture.port);
      expect(await client.readLine()).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS AUTH=PLAIN AUTH=LOGIN\] /);
    });
    afterEach(async () => {
      client.close();
      await fixture.close();
    });

    it("CAPABILITY, NOOP and LOGOUT (RFC 9051 §6.1)", async () => {
      await transcript(
        client,
        `C: abcd CAPABILITY
         S: * CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE ID IDLE STARTTLS AUTH=PLAIN AUTH=LOGIN
         S: abcd OK CAPABILITY completed
         C: a002 NOOP
         S: a002 OK NOOP completed
         C: A023 LOGOUT
         S: * BYE Logging out
         S: A023 OK LOGOUT completed`,
      );
      expect(await client.readLine()).toBeNull();
    });

    it("LOGIN answers with the post-login capabilities; a wrong password is NO [AUTHENTICATIONFAILED]", async () => {
      await transcript(
        client,
        `C: a001 LOGIN ${alice.email} wrong
         S: a001 NO [AUTHENTICATIONFAILED] Invalid credentials
         C: a002 LOGIN nobody@example.com wrong
         S: a002 NO [AUTHENTICATIONFAILED] Invalid credentials
         C: a003 LOGIN ${alice.email} "${alice.password}"
         S: a003 OK [CAPABILITY IMAP4rev1 IMAP4rev2 %s NAMESPACE UIDPLUS MOVE %s CONDSTORE QRESYNC %s APPENDLIMIT=%d] Logged in
         C: a004 LOGIN ${alice.email} ${alice.password}
         S: a004 BAD LOGIN not allowed now: Already logged in`,
      );
    });

    it("AUTHENTICATE PLAIN with an initial response (SASL-IR) and with a continuation", async () => {
      await transcript(
        client,
        `C: a1 AUTHENTICATE PLAIN ${PLAIN(alice.email, "nope")}
         S: a1 NO [AUTHENTICATIONFAILED] Invalid credentials`,
      );
      client.write("a2 AUTHENTICATE PLAIN\r\n");
      expect(await client.readLine()).toBe("+ ");
      client.write("*\r\n");
      expect(await client.readLine()).toBe("a2 BAD Authentication cancelled");
      client.write("a3 AUTHENTICATE PLAIN\r\n");
      expect(await client.readLine()).toBe("+ ");
      client.write(`${PLAIN(alice.email, alice.password)}\r\n`);
      expect(await client.readLine()).toMatch(/^a3 OK \[CAPABILITY .*\] Logged in$/);
    });

    it("AUTHENTICATE PLAIN with an extra NUL field, or CR LF in a field, is refused like bad credentials (RFC 4616 §2)", async () => {
      const raw = (text: string) => Buffer.from(text).toString("base64");
      await transcript(
        client,
        `C: a1 AUTHENTICATE PLAIN ${raw(`\0${alice.email}\0${alice.password}\0extra`)}
         S: a1 BAD Malformed PLAIN response
         C: a2 AUTHENTICATE PLAIN ${raw(`\0${alice.email}\r\nX-Injected: 1\0${alice.password}`)}
         S: a2 NO [AUTHENTICATIONFAILED] Invalid credentials
         C: a3 AUTHENTICATE PLAIN ${raw(`\0${alice.email}\0${alice.password}\r\n`)}
         S: a3 NO [AUTHENTICATIONFAILED] Invalid credentials
         C: a4 AUTHENTICATE PLAIN ${raw(`\0${alice.email}\0\0${alice.password}`)}
         S: a4 BAD Malformed PLAIN response
         C: a5 AUTHENTICATE PLAIN ${raw(`\0nobody@example.com\0${alice.password}`)}
         S: a5 NO [AUTHENTICATIONFAILED] Invalid credentials
         C: a6 AUTHENTICATE PLAIN ${raw(`\0${alice.email}\0wrong`)}
         S: a6 NO [AUTHENTICATIONFAILED] Invalid credentials
         C: a7 SELECT INBOX
         S: a7 BAD SELECT not allowed now: Log in first`,
      );
    });

    it("AUTHENTICATE LOGIN asks for user name and password", async () => {
      client.write("a1 AUTHENTICATE LOGIN\r\n");
      expect(await client.readLine()).toBe("+ VXNlcm5hbWU6");
      client.write(`${Buffer.from(alice.email).toString("base64")}\r\n`);
      expect(await client.readLine()).toBe("+ UGFzc3dvcmQ6");
      client.write(`${Buffer.from(alice.password).toString("base64")}\r\n`);
      expect(await client.readLine()).toMatch(/^a1 OK \[CAPABILITY .*\] Logged in$/);
    });

    it("a literal before login is BAD without a continuation, except LOGIN's small ones", async () => {
      await transcript(
        client,
        `C: a1 SELECT {5}
         S: a1 BAD Literals are not accepted before login
         C: a2 LOGIN {2000}
         S: a2 BAD Literals are not accepted before login`,
      );
      client.write(`a3 LOGIN {${alice.email.length}}\r\n`);
      expect(await client.readLine()).toBe("+ Ready for literal data");
      client.write(`${alice.email} {${alice.password.length}}\r\n`);
      expect(await client.readLine()).toBe("+ Ready for literal data");
      client.write(`${alice.password}\r\n`);
      expect(await client.readLine()).toMatch(/^a3 OK \[CAPABILITY /);
    });

    it("a non-synchronising literal before login is skipped, not buffered, and refused", async () => {
      client.write("a1 SELECT {10+}\r\n0123456789\r\na2 NOOP\r\n");
      expect(await client.readLine()).toBe("a1 BAD Literals are not accepted before login");
      expect(await client.readLine()).toBe("a2 OK NOOP completed");
    });

    it("garbage, unknown commands, NUL and wrong states are BAD", async () => {
      await transcript(
        client,
        `C: a1 FROBNICATE
         S: a1 BAD Unknown command
         C: a2 SELECT INBOX
         S: a2 BAD SELECT not allowed now: Log in first
         C: a4 LOGIN "a\\x" b
         S: a4 BAD Bad escape in quoted string`,
      );
      client.write("+++\r\n");
      expect(await client.readLine()).toBe("* BAD Invalid tag");
      client.write("a3\r\n");
      expect(await client.readLine()).toBe("a3 BAD Missing command");
      client.write('a5 LOGIN "a\0b" c\r\n');
      expect(await client.readLine()).toBe("a5 BAD NUL in quoted string");
    });

    it("a line longer than the limit is refused and the connection closed", async () => {
      client.write(`a1 LOGIN ${"x".repeat(70 * 1024)}\r\n`);
      expect(await client.readLine()).toBe("a1 BAD Command line too long");
      expect(await client.readLine()).toBe("* BYE Command line too long");
      expect(await client.readLine()).toBe(null);
    });

    it("ID (RFC 2971) and ENABLE (RFC 5161)", async () => {
      await transcript(
        client,
        `C: a023 ID ("name" "sodr" "version" "19.34")
         S: * ID ("name" "Yubin" "vendor" "Yubin")
         S: a023 OK ID completed
         C: a1 ENABLE CONDSTORE
         S: a1 BAD ENABLE not allowed now: Log in first
         C: a2 LOGIN ${alice.email} ${alice.password}
         S: a2 OK [CAPABILITY %s] Logged in
         C: a3 ENABLE CONDSTORE X-UNKNOWN QRESYNC
         S: * ENABLED CONDSTORE QRESYNC
         S: a3 OK ENABLE completed
         C: a4 ENABLE CONDSTORE
         S: * ENABLED
         S: a4 OK ENABLE completed`,
      );
    });
  });

  describe("TLS", () => {
    let fixture: ImapFixture;
    afterEach(async () => fixture.close());

    it("without loopback plaintext login: LOGINDISABLED until STARTTLS (RFC 9051 §6.2.1, §11.1)", async () => {
      fixture = await factory({ allowPlaintextLoginFromLoopback: false });
      const client = await TranscriptClient.connect(fixture.port);
      expect(await client.readLine()).toMatch(/STARTTLS LOGINDISABLED\] /);
      await transcript(
        client,
        `C: a1 LOGIN ${alice.email} ${alice.password}
         S: a1 NO [PRIVACYREQUIRED] LOGIN requires TLS (use STARTTLS)
         C: a2 STARTTLS
         S: a2 OK Begin TLS negotiation now`,
      );
      await client.startTls();
      await transcript(
        client,
        `C: a3 CAPABILITY
         S: * CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE ID IDLE AUTH=PLAIN AUTH=LOGIN
         S: a3 OK CAPABILITY completed
         C: a4 STARTTLS
         S: a4 BAD TLS is already active
         C: a5 LOGIN ${alice.email} ${alice.password}
         S: a5 OK [CAPABILITY %s] Logged in`,
      );
      client.close();
    });

    it("discards commands pipelined in plaintext after STARTTLS (STARTTLS injection, RFC 9051 §11.1)", async () => {
      fixture = await factory({ allowPlaintextLoginFromLoopback: true });
      const client = await TranscriptClient.connect(fixture.port);
      expect(await client.readLine()).toMatch(/^\* OK /);
      // A man in the middle appends a login of its own to the client's STARTTLS:
      // run inside the TLS session, it would log the client in as the attacker.
      client.write(`a1 STARTTLS\r\na2 LOGIN ${alice.email} ${alice.password}\r\na3 NOOP\r\n`);
      expect(await client.readLine()).toBe("a1 OK Begin TLS negotiation now");
      await client.startTls();
      await transcript(
        client,
        `C: b1 SELECT INBOX
         S: b1 BAD SELECT not allowed now: Log in first
         C: b2 NOOP
         S: b2 OK NOOP completed`,
      );
      client.close();
    });

    it("implicit TLS offers login at once", async () => {
      fixture = await factory({ allowPlaintextLoginFromLoopback: false });
      const client = await TranscriptClient.connect(fixture.tlsPort, { tls: true });
      expect(await client.readLine()).toMatch(/AUTH=PLAIN AUTH=LOGIN\] /);
      await transcript(
        client,
        `C: a1 LOGIN ${alice.email} ${alice.password}
         S: a1 OK [CAPABILITY %s] Logged in`,
      );
      client.close();
    });
  });
}
