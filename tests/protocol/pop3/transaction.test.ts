// TRANSACTION state (RFC 1939 §5, §7): STAT, LIST, UIDL, RETR, TOP, DELE,
// NOOP, RSET, with fixed message numbers, exact sizes and dot-stuffing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encodedSize } from "../../../mail-daemons/pop3/message-encoder.ts";
import { BARE_LF, BARE_LF_AS_SENT, DOTTED, JAPANESE, plainMessage } from "./support/messages.ts";
import { Pop3Client, unstuff } from "./support/pop3-client.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";
import { expectTranscript } from "./support/transcript.ts";

const FIRST = plainMessage("first");
const MESSAGES = [FIRST, DOTTED, JAPANESE, BARE_LF];
describe.each(POP3_BACKENDS)("POP3 TRANSACTION state (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  const open: Pop3Client[] = [];
  const uidls: string[] = [];

  beforeAll(async () => {
    // Chunks of 5 octets: every boundary case of the encoder, over a real socket.
    fixture = await createPop3Fixture(kind, { chunkOctets: 5 });
    await fixture.addMailbox("alice@example.com", "alice password", "delete");
    for (const raw of MESSAGES) uidls.push(await fixture.deliver("alice@example.com", raw));
    servers = await startPop3TestServers(fixture);
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
    if (fixture.faults) delete fixture.faults.retrieve;
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  async function loggedIn(): Promise<Pop3Client> {
    const { client } = await Pop3Client.connect(servers.plain.port);
    open.push(client);
    await expectTranscript(client, "C: USER alice@example.com\nS~ ^\\+OK\nC: PASS alice password\nS~ ^\\+OK");
    return client;
  }

  const sizes = MESSAGES.map((raw) => encodedSize(raw));
  const total = sizes.reduce((a, b) => a + b, 0);

  it("reports sizes as the octets of the CRLF form, before dot-stuffing (RFC 1939 §11)", () => {
    expect(sizes).toEqual([FIRST.length, DOTTED.length, JAPANESE.length, BARE_LF_AS_SENT.length]);
  });

  it("STAT, LIST and LIST msg", async () => {
    await expectTranscript(
      await loggedIn(),
      `
      C: STAT
      S: +OK 4 ${total}
      C: LIST
      S: +OK 4 messages (${total} octets)
      S: 1 ${sizes[0]}
      S: 2 ${sizes[1]}
      S: 3 ${sizes[2]}
      S: 4 ${sizes[3]}
      S: .
      C: LIST 2
      S: +OK 2 ${sizes[1]}
      C: LIST 5
      S: -ERR No such message
      `,
    );
  });

  it("UIDL and UIDL msg: ids from UIDVALIDITY and UID, the same in every session (RFC 1939 §7)", async () => {
    const script = `
      C: UIDL
      S: +OK Unique-ID listing follows
      S: 1 ${uidls[0]}
      S: 2 ${uidls[1]}
      S: 3 ${uidls[2]}
      S: 4 ${uidls[3]}
      S: .
      C: UIDL 3
      S: +OK 3 ${uidls[2]}
      C: QUIT
      S~ ^\\+OK
      `;
    const client = await loggedIn();
    await expectTranscript(client, script);
    await client.closed();
    await expectTranscript(await loggedIn(), script);
  });

  it("RETR sends each message byte for byte, dot-stuffed, with the size LIST gave", async () => {
    const client = await loggedIn();
    for (const [i, raw] of MESSAGES.entries()) {
      const { first, body } = await client.sendMulti(`RETR ${i + 1}`);
      expect(first).toBe(`+OK ${sizes[i]} octets`);
      expect(unstuff(body)).toEqual(raw === BARE_LF ? BARE_LF_AS_SENT : raw);
      expect(unstuff(body).length).toBe(sizes[i]);
    }
  });

  it("stuffs every line that starts with '.' (RFC 1939 §3)", async () => {
    const { body } = await (await loggedIn()).sendMulti("RETR 2");
    expect(body.toString()).toBe(
      "From: dots@example.net\r\nTo: support@example.com\r\nSubject: dots\r\n\r\n..\r\n..leading dot\r\n...two dots\r\na line\r\n.. space\r\n",
    );
  });

  it("TOP msg n: headers, blank line, n body lines (RFC 1939 §7)", async () => {
    await expectTranscript(
      await loggedIn(),
      `
      C: TOP 2 2
      S: +OK Top of message follows
      S: From: dots@example.net
      S: To: support@example.com
      S: Subject: dots
      S:${" "}
      S: ..
      S: ..leading dot
      S: .
      C: TOP 4 0
      S: +OK Top of message follows
      S: From: lf@example.net
      S: Subject: bare LF
      S:${" "}
      S: .
      C: TOP 9 1
      S: -ERR No such message
      C: TOP 1
      S: -ERR Expected a message number and a number of lines
      `,
    );
  });

  it("DELE marks, hides the message from every command, and RSET unmarks (RFC 1939 §5)", async () => {
    await expectTranscript(
      await loggedIn(),
      `
      C: DELE 1
      S: +OK Message 1 deleted
      C: DELE 1
      S: -ERR Message 1 already deleted
      C: RETR 1
      S: -ERR No such message
      C: LIST 1
      S: -ERR No such message
      C: UIDL 1
      S: -ERR No such message
      C: TOP 1 0
      S: -ERR No such message
      C: STAT
      S: +OK 3 ${total - (sizes[0] ?? 0)}
      C: LIST
      S: +OK 3 messages (${total - (sizes[0] ?? 0)} octets)
      S: 2 ${sizes[1]}
      S: 3 ${sizes[2]}
      S: 4 ${sizes[3]}
      S: .
      C: DELE 9
      S: -ERR No such message
      C: NOOP
      S: +OK
      C: RSET
      S: +OK Maildrop has 4 messages (${total} octets)
      C: STAT
      S: +OK 4 ${total}
      `,
    );
  });

  it("keeps message numbers fixed while mail arrives during the session", async () => {
    const client = await loggedIn();
    const late = await fixture.deliver("alice@example.com", plainMessage("late"));
    try {
      await expectTranscript(client, `C: STAT\nS: +OK 4 ${total}\nC: RETR 5\nS: -ERR No such message`);
    } finally {
      client.close();
      await client.closed();
    }
    const next = await loggedIn();
    await expectTranscript(next, `C: UIDL 5\nS: +OK 5 ${late}\nC: DELE 5\nS~ ^\\+OK\nC: QUIT\nS~ ^\\+OK`);
    await next.closed();
  });

  it("refuses AUTHORIZATION commands and bad arguments", async () => {
    await expectTranscript(
      await loggedIn(),
      `
      C: USER alice@example.com
      S: -ERR Command not valid in this state
      C: STLS
      S: -ERR Command not valid in this state
      C: RETR 0
      S: -ERR Expected one message number
      C: RETR one
      S: -ERR Expected one message number
      C: STAT 1
      S: -ERR This command takes no arguments
      `,
    );
  });

  it("answers -ERR [SYS/TEMP] when a message cannot be read, and the session goes on", async ({ skip }) => {
    // Fault injection exists only in the in-memory backend.
    const faults = fixture.faults;
    if (!faults) return skip();
    const client = await loggedIn();
    faults.retrieve = true;
    await expectTranscript(client, "C: RETR 1\nS: -ERR [SYS/TEMP] Message cannot be read now, try again later");
    delete faults.retrieve;
    const { first } = await client.sendMulti("RETR 1");
    expect(first).toBe(`+OK ${sizes[0]} octets`);
  });

  it("streams a large message with backpressure, exactly", async () => {
    const big = plainMessage("big", `${"0123456789abcdef.\r\n".repeat(20_000)}.end\r\n`);
    await fixture.deliver("alice@example.com", big);
    const client = await loggedIn();
    const count = (await client.send("STAT")).split(" ")[1];
    const { first, body } = await client.sendMulti(`RETR ${count}`);
    expect(first).toBe(`+OK ${big.length} octets`);
    expect(unstuff(body).equals(big)).toBe(true);
    await expectTranscript(client, `C: DELE ${count}\nS~ ^\\+OK\nC: QUIT\nS~ ^\\+OK`);
    await client.closed();
  });
});
