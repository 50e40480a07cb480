// Every IMAP limit of server/limits.ts, each seen at work: the pure framer
// and parser for the byte and count bounds, a server over the in-memory
// backend (with caps and timeouts lowered where waiting for the real value
// would take minutes) for what a connection enforces.
import { afterEach, describe, expect, it } from "vitest";
import { startImapServer } from "../../../mail-daemons/imap/imap-server.ts";
import { MemoryBackend } from "../../../mail-daemons/imap/memory-backend.ts";
import { parseAppendArguments } from "../../../mail-daemons/imap/parser/append-arguments.ts";
import { Cursor } from "../../../mail-daemons/imap/parser/cursor.ts";
import { parseFetchArguments } from "../../../mail-daemons/imap/parser/fetch-attributes.ts";
import { parseSearchArguments } from "../../../mail-daemons/imap/parser/search-keys.ts";
import {
  IMAP_APPEND_LIMIT_BYTES,
  IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS,
  IMAP_MAX_APPEND_MESSAGES,
  IMAP_MAX_ARGUMENT_LITERAL_BYTES,
  IMAP_MAX_AUTH_FAILURES,
  IMAP_MAX_BAD_COMMANDS,
  IMAP_MAX_COMMAND_LITERAL_BYTES,
  IMAP_MAX_COMMAND_TEXT_BYTES,
  IMAP_MAX_DONE_LINE_BYTES,
  IMAP_MAX_ID_PAIRS,
  IMAP_MAX_LINE_BYTES,
  IMAP_MAX_LIST_ITEMS,
  IMAP_MAX_LITERAL_SIZE_DIGITS,
  IMAP_MAX_LITERALS_PER_COMMAND,
  IMAP_MAX_NESTING_DEPTH,
  IMAP_MAX_PENDING_INPUT_BYTES,
  IMAP_MAX_PREAUTH_LITERAL_BYTES,
  IMAP_MAX_SASL_LINE_BYTES,
  IMAP_MAX_TAG_BYTES,
  IMAP_PREAUTH_IDLE_TIMEOUT_MS,
  MAX_MESSAGE_BYTES,
} from "../../../server/limits.ts";
import { argumentsOf, frameAll } from "./support/frame.ts";
import { type FixtureOptions, type ImapFixture, memoryFixture, testTls, USERS } from "./support/imap-fixture.ts";
import { TranscriptClient } from "./support/transcript-client.ts";

const { alice } = USERS;

describe("framer and parser bounds", () => {
  it("IMAP_MAX_LINE_BYTES: a line at the limit is a command, one byte more closes the connection", () => {
    const at = `a1 NOOP ${"x".repeat(IMAP_MAX_LINE_BYTES - 10)}\r\n`;
    expect(Buffer.byteLength(at) - 2).toBeLessThanOrEqual(IMAP_MAX_LINE_BYTES);
    expect(frameAll(at).map((e) => e.kind)).toEqual(["command"]);
    expect(frameAll(`a1 NOOP ${"x".repeat(IMAP_MAX_LINE_BYTES)}\r\n`)).toEqual([
      { kind: "fatal", tag: "a1", text: "Command line too long" },
    ]);
  });

  it("IMAP_MAX_COMMAND_TEXT_BYTES: the lines of one command together are bounded too", () => {
    const line = `${"x".repeat(IMAP_MAX_LINE_BYTES - 100)} {1+}\r\ny`;
    const lines = Math.ceil(IMAP_MAX_COMMAND_TEXT_BYTES / (IMAP_MAX_LINE_BYTES - 100)) + 1;
    const events = frameAll(`a1 LOGIN ${line.repeat(lines)}\r\n`);
    expect(events).toEqual([{ kind: "fatal", tag: "a1", text: "Command too long" }]);
  });

  it("IMAP_MAX_LITERAL_SIZE_DIGITS: a literal size with more digits is fatal, not a float", () => {
    const fits = frameAll(`a1 APPEND INBOX {${"1".repeat(IMAP_MAX_LITERAL_SIZE_DIGITS)}}\r\n`);
    expect(fits[0]).toMatchObject({ kind: "rejected", code: "TOOBIG" });
    const over = frameAll(`a1 APPEND INBOX {${"1".repeat(IMAP_MAX_LITERAL_SIZE_DIGITS + 1)}}\r\n`);
    expect(over[0]).toMatchObject({ kind: "fatal", tag: "a1" });
  });

  it("IMAP_MAX_LITERALS_PER_COMMAND: one literal more is refused", () => {
    const literals = (n: number) => `a1 APPEND INBOX${" {1+}\r\nx".repeat(n)}\r\n`;
    expect(frameAll(literals(IMAP_MAX_LITERALS_PER_COMMAND)).map((e) => e.kind)).toEqual(["command"]);
    expect(frameAll(literals(IMAP_MAX_LITERALS_PER_COMMAND + 1))[0]).toMatchObject({
      kind: "rejected",
      tag: "a1",
      code: "LIMIT",
    });
  });

  it("IMAP_MAX_COMMAND_LITERAL_BYTES: announced sizes are summed before any byte is read", () => {
    const events = frameAll(`a1 APPEND INBOX {1+}\r\nx {${IMAP_MAX_COMMAND_LITERAL_BYTES}}\r\n`);
    expect(events).toEqual([
      { kind: "rejected", tag: "a1", status: "NO", code: "TOOBIG", text: "Command literals too large" },
    ]);
    expect(IMAP_MAX_COMMAND_LITERAL_BYTES).toBe(2 * IMAP_APPEND_LIMIT_BYTES);
  });

  it("IMAP_MAX_NESTING_DEPTH: search keys nest up to the limit, not beyond", () => {
    const search = (line: string) => {
      const cursor = argumentsOf(line);
      cursor.sp();
      return parseSearchArguments(cursor);
    };
    expect(() => search(`a SEARCH ${"NOT ".repeat(IMAP_MAX_NESTING_DEPTH - 1)}ALL`)).not.toThrow();
    expect(() => search(`a SEARCH ${"NOT ".repeat(IMAP_MAX_NESTING_DEPTH + 1)}ALL`)).toThrow("Too deeply nested");
  });

  it("IMAP_MAX_LIST_ITEMS: a list or a sequence set with more items is a parse error", () => {
    const fetch = (line: string) => {
      const cursor = argumentsOf(line);
      cursor.sp();
      return parseFetchArguments(cursor);
    };
    expect(() => fetch(`a FETCH 1 (${"FLAGS ".repeat(IMAP_MAX_LIST_ITEMS - 1)}FLAGS)`)).not.toThrow();
    expect(() => fetch(`a FETCH 1 (${"FLAGS ".repeat(IMAP_MAX_LIST_ITEMS)}FLAGS)`)).toThrow();
    expect(() => fetch(`a FETCH ${"1,".repeat(IMAP_MAX_LIST_ITEMS)}1 FLAGS`)).toThrow();
  });

  it("IMAP_MAX_APPEND_MESSAGES: a MULTIAPPEND of more messages is refused by the grammar", () => {
    // Built by hand: the framer alone stops at IMAP_MAX_LITERALS_PER_COMMAND first.
    const parse = (n: number) => {
      const cursor = new Cursor({
        texts: [
          Buffer.from("a APPEND INBOX "),
          ...Array.from({ length: n }, (_, i) => Buffer.from(i < n - 1 ? " " : "")),
        ],
        literals: Array.from({ length: n }, () => ({ bytes: Buffer.from("x"), binary: false })),
      });
      cursor.atom("]");
      cursor.sp();
      cursor.atom();
      return parseAppendArguments(cursor, { utf8: false });
    };
    expect(parse(IMAP_MAX_APPEND_MESSAGES).messages).toHaveLength(IMAP_MAX_APPEND_MESSAGES);
    expect(() => parse(IMAP_MAX_APPEND_MESSAGES + 1)).toThrow("Too many messages in one APPEND");
  });
});

describe("a connection's bounds", () => {
  let fixture: ImapFixture | null = null;
  const clients: TranscriptClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await fixture?.close();
    fixture = null;
  });

  async function connect(options?: FixtureOptions): Promise<TranscriptClient> {
    fixture ??= await memoryFixture(options);
    const client = await TranscriptClient.connect(fixture.port);
    clients.push(client);
    expect(await client.readLine()).toMatch(/^\* OK /);
    return client;
  }

  async function login(client: TranscriptClient): Promise<void> {
    const reply = await client.command(`l1 LOGIN ${alice.email} ${alice.password}`);
    expect(reply.at(-1)).toMatch(/^l1 OK /);
  }

  it("IMAP_MAX_TAG_BYTES: a longer tag is BAD, answered untagged", async () => {
    const client = await connect();
    expect(await client.command(`${"t".repeat(IMAP_MAX_TAG_BYTES)} NOOP`)).toEqual([
      `${"t".repeat(IMAP_MAX_TAG_BYTES)} OK NOOP completed`,
    ]);
    client.write(`${"t".repeat(IMAP_MAX_TAG_BYTES + 1)} NOOP\r\n`);
    expect(await client.readLine()).toBe("* BAD Invalid tag");
  });

  it("IMAP_MAX_PREAUTH_LITERAL_BYTES: LOGIN's literals before login up to the limit, then BAD with no continuation", async () => {
    const client = await connect();
    client.write(`a1 LOGIN {${IMAP_MAX_PREAUTH_LITERAL_BYTES + 1}}\r\n`);
    expect(await client.readLine()).toBe("a1 BAD Literals are not accepted before login");
    client.write(`a2 LOGIN {${IMAP_MAX_PREAUTH_LITERAL_BYTES}}\r\n`);
    expect(await client.readLine()).toBe("+ Ready for literal data");
  });

  it("IMAP_APPEND_LIMIT_BYTES: APPEND beyond APPENDLIMIT is NO [TOOBIG] without a continuation (RFC 7889)", async () => {
    expect(IMAP_APPEND_LIMIT_BYTES).toBe(MAX_MESSAGE_BYTES);
    const client = await connect();
    await login(client);
    client.write(`a1 APPEND INBOX {${IMAP_APPEND_LIMIT_BYTES + 1}}\r\n`);
    expect(await client.readLine()).toBe(`a1 NO [TOOBIG] Message larger than APPENDLIMIT ${IMAP_APPEND_LIMIT_BYTES}`);
    expect(await client.command("a2 NOOP")).toEqual(["a2 OK NOOP completed"]);
  });

  it("IMAP_MAX_ARGUMENT_LITERAL_BYTES: a literal outside APPEND beyond the limit is BAD [LIMIT]", async () => {
    const client = await connect();
    await login(client);
    client.write(`a1 SELECT {${IMAP_MAX_ARGUMENT_LITERAL_BYTES + 1}}\r\n`);
    expect(await client.readLine()).toBe("a1 BAD [LIMIT] Literal too large");
    client.write(`a2 SELECT {${"INBOX".length}}\r\n`);
    expect(await client.readLine()).toBe("+ Ready for literal data");
  });

  it("IMAP_MAX_ID_PAIRS: ID with more pairs is BAD (RFC 2971 §3.3)", async () => {
    const client = await connect();
    const pairs = (n: number) => `(${Array.from({ length: n }, (_, i) => `"f${i}" "v"`).join(" ")})`;
    expect((await client.command(`a1 ID ${pairs(IMAP_MAX_ID_PAIRS)}`)).at(-1)).toBe("a1 OK ID completed");
    expect((await client.command(`a2 ID ${pairs(IMAP_MAX_ID_PAIRS + 1)}`)).at(-1)).toMatch(/^a2 BAD /);
  });

  it("IMAP_MAX_SASL_LINE_BYTES: a longer AUTHENTICATE response cancels the exchange", async () => {
    const client = await connect();
    client.write("a1 AUTHENTICATE PLAIN\r\n");
    expect(await client.readLine()).toBe("+ ");
    client.write(`${"QUFB".repeat(IMAP_MAX_SASL_LINE_BYTES / 4 + 1)}\r\n`);
    expect(await client.readLine()).toMatch(/^a1 BAD /);
  });

  it("IMAP_MAX_DONE_LINE_BYTES: a long line in IDLE ends it as a client error", async () => {
    const client = await connect();
    await login(client);
    await client.command("s SELECT INBOX");
    client.write("i1 IDLE\r\n");
    expect(await client.readLine()).toBe("+ idling");
    client.write(`${"D".repeat(IMAP_MAX_DONE_LINE_BYTES + 1)}\r\n`);
    expect(await client.readLine()).toMatch(/^i1 BAD /);
  });

  it("IMAP_MAX_BAD_COMMANDS: the session ends with BYE at the limit", async () => {
    const client = await connect();
    for (let i = 1; i < IMAP_MAX_BAD_COMMANDS; i++) {
      expect(await client.command(`b${i} FROBNICATE`)).toEqual([`b${i} BAD Unknown command`]);
    }
    client.write("last FROBNICATE\r\n");
    expect(await client.readLine()).toBe("last BAD Unknown command");
    expect(await client.readLine()).toMatch(/^\* BYE Too many bad commands/);
    expect(await client.readLine()).toBeNull();
  });

  it("IMAP_MAX_AUTH_FAILURES: the session ends with BYE after that many failed logins", async () => {
    const client = await connect();
    for (let i = 1; i < IMAP_MAX_AUTH_FAILURES; i++) {
      expect(await client.command(`f${i} LOGIN ${alice.email} wrong`)).toEqual([
        `f${i} NO [AUTHENTICATIONFAILED] Invalid credentials`,
      ]);
    }
    client.write(`last LOGIN ${alice.email} wrong\r\n`);
    expect(await client.readLine()).toBe("last NO [AUTHENTICATIONFAILED] Invalid credentials");
    expect(await client.readLine()).toMatch(/^\* BYE Too many failed logins/);
    expect(await client.readLine()).toBeNull();
  });

  it("IMAP_MAX_CONNECTIONS_PER_ADDRESS: one connection more from the same address gets BYE", async () => {
    const options = { limits: { maxConnectionsPerAddress: 2 } };
    const first = await connect(options);
    await connect(options);
    const third = await TranscriptClient.connect((fixture as ImapFixture).port);
    clients.push(third);
    expect(await third.readLine()).toBe("* BYE Too many connections from your address");
    expect(await third.readLine()).toBeNull();
    // A slot comes back when a connection ends.
    await first.command("o LOGOUT");
    expect(await first.readLine()).toBeNull();
    await connect(options);
  });

  it("IMAP_MAX_CONNECTIONS_PER_USER: one session more of the same user is NO [LIMIT]", async () => {
    const options = { limits: { maxConnectionsPerUser: 2 } };
    const first = await connect(options);
    await login(first);
    await login(await connect(options));
    const third = await connect(options);
    expect(await third.command(`l1 LOGIN ${alice.email} ${alice.password}`)).toEqual([
      "l1 NO [LIMIT] Too many connections for this user",
    ]);
    await first.command("o LOGOUT");
    expect(await first.readLine()).toBeNull();
    await login(third);
  });

  it("IMAP_PREAUTH_IDLE_TIMEOUT_MS and IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS: autologout with BYE, longer once logged in", async () => {
    // RFC 9051 §5.4: at least 30 minutes once authenticated; RFC 2177 IDLE is idle time too.
    expect(IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS).toBeGreaterThanOrEqual(30 * 60 * 1000);
    expect(IMAP_PREAUTH_IDLE_TIMEOUT_MS).toBeLessThan(IMAP_AUTHENTICATED_IDLE_TIMEOUT_MS);
    const options = { limits: { preauthIdleTimeoutMs: 300, authenticatedIdleTimeoutMs: 1500 } };
    const silent = await connect(options);
    const started = Date.now();
    expect(await silent.readLine()).toBe("* BYE Autologout; idle for too long");
    expect(await silent.readLine()).toBeNull();
    expect(Date.now() - started).toBeLessThan(1500);

    const idler = await TranscriptClient.connect((fixture as ImapFixture).port);
    clients.push(idler);
    await idler.readLine();
    await login(idler);
    await idler.command("s SELECT INBOX");
    idler.write("i IDLE\r\n");
    expect(await idler.readLine()).toBe("+ idling");
    const idleStarted = Date.now();
    expect(await idler.readLine()).toBe("* BYE Autologout; idle for too long");
    // Not the short pre-login timeout: the session outlived it by far.
    expect(Date.now() - idleStarted).toBeGreaterThanOrEqual(1000);
  });

  it("IMAP_MAX_PENDING_INPUT_BYTES: a client pipelining while a command waits is held back by TCP", async () => {
    let release: () => void = () => {};
    let selecting: () => void = () => {};
    const selectCalled = new Promise<void>((resolve) => {
      selecting = resolve;
    });
    const backend = new MemoryBackend();
    backend.addUser(alice.email, alice.password);
    const select = backend.select.bind(backend);
    backend.select = async (principal, name) => {
      selecting();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return select(principal, name);
    };
    const server = await startImapServer({
      port: 0,
      host: "127.0.0.1",
      tls: testTls(),
      implicitTls: false,
      backend,
      hostname: "localhost",
      log: () => {},
      allowPlaintextLoginFromLoopback: true,
    });
    try {
      const client = await TranscriptClient.connect(server.port);
      clients.push(client);
      await client.readLine();
      await login(client);
      client.write("s SELECT INBOX\r\n");
      await selectCalled;
      // 48 MiB of NOOPs: far beyond the bound and beyond what loopback's socket buffers hold.
      const burst = Buffer.from("n NOOP\r\n".repeat((48 * 1024 * 1024) / 8));
      client.write(burst);
      let last = -1;
      let steady = 0;
      while (steady < 5) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const now = client.unsentBytes;
        steady = now === last ? steady + 1 : 0;
        last = now;
      }
      // Whatever the kernel buffers, most of the burst is still on our side: the server stopped reading.
      expect(last).toBeGreaterThan(burst.length - 24 * 1024 * 1024);
      expect(IMAP_MAX_PENDING_INPUT_BYTES).toBeLessThan(1024 * 1024);
      release();
      expect((await client.readLine(20_000)) ?? "").toMatch(/^\* /);
    } finally {
      release();
      await server.close();
    }
  });
});
