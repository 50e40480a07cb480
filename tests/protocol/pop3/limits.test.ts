// Hostile and heavy input (limits.ts): long lines, floods of bad commands,
// deep pipelining, and connection caps.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../support/wait.ts";
import { plainMessage } from "./support/messages.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";
import { expectTranscript } from "./support/transcript.ts";

describe.each(POP3_BACKENDS)("POP3 limits (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  const open: Pop3Client[] = [];
  const uidls: string[] = [];

  beforeAll(async () => {
    fixture = await createPop3Fixture(kind);
    await fixture.addMailbox("alice@example.com", "alice password", "delete");
    for (let i = 1; i <= 3; i++) uidls.push(await fixture.deliver("alice@example.com", plainMessage(`m${i}`)));
    servers = await startPop3TestServers(fixture, { maxConnectionsPerAddress: 3 });
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  async function connect(): Promise<Pop3Client> {
    const { client } = await Pop3Client.connect(servers.plain.port);
    open.push(client);
    return client;
  }

  it("answers a command line over 255 octets with -ERR and carries on (RFC 2449 §4)", async () => {
    const client = await connect();
    client.write(`USER ${"a".repeat(300)}\r\n`);
    client.write(`NOOP ${"x".repeat(100_000)}\r\n`);
    await expectTranscript(
      client,
      `
      S: -ERR Command line too long
      S: -ERR Command line too long
      C: USER ${"a".repeat(248)}
      S: +OK Send PASS
      `,
    );
  });

  it("disconnects a client that sends only bad commands", async () => {
    const client = await connect();
    client.write("XYZZY\r\n".repeat(30));
    for (let i = 1; i < 20; i++) expect(await client.readLine()).toBe("-ERR Unknown command");
    expect(await client.readLine()).toBe("-ERR Too many invalid commands, closing connection");
    await client.closed();
    expect(client.pending().length).toBe(0);
  });

  it("answers pipelined commands in order (RFC 2449 §6.6), however many come at once", async () => {
    const client = await connect();
    const commands = ["USER alice@example.com", "PASS alice password"];
    for (let i = 0; i < 500; i++) commands.push(`LIST ${(i % 3) + 1}`, "NOOP", `UIDL ${(i % 3) + 1}`);
    commands.push("QUIT");
    client.write(commands.map((c) => `${c}\r\n`).join(""));
    expect(await client.readLine()).toBe("+OK Send PASS");
    expect(await client.readLine()).toMatch(/^\+OK Logged in, 3 messages/);
    for (let i = 0; i < 500; i++) {
      const n = (i % 3) + 1;
      expect(await client.readLine()).toMatch(new RegExp(`^\\+OK ${n} \\d+$`));
      expect(await client.readLine()).toBe("+OK");
      expect(await client.readLine()).toBe(`+OK ${n} ${uidls[n - 1]}`);
    }
    expect(await client.readLine()).toMatch(/signing off/);
    await client.closed();
  });

  it("answers every pipelined command of a client that closed its sending side, QUIT included", async () => {
    const client = await connect();
    client.write("USER alice@example.com\r\nPASS alice password\r\nSTAT\r\nUIDL 2\r\nQUIT\r\n");
    client.finish();
    expect(await client.readLine()).toMatch(/^\+OK/);
    expect(await client.readLine()).toMatch(/^\+OK Logged in/);
    expect(await client.readLine()).toMatch(/^\+OK 3 \d+$/);
    expect(await client.readLine()).toBe(`+OK 2 ${uidls[1]}`);
    expect(await client.readLine()).toMatch(/signing off/);
    await client.closed();
  });

  it("closes a half-closed connection once its commands are answered, without UPDATE", async () => {
    const client = await connect();
    client.write("USER alice@example.com\r\nPASS alice password\r\nDELE 1\r\n");
    client.finish();
    expect(await client.readLine()).toMatch(/^\+OK/);
    expect(await client.readLine()).toMatch(/^\+OK Logged in/);
    expect(await client.readLine()).toBe("+OK Message 1 deleted");
    await client.closed();
    expect(await fixture.stored("alice@example.com")).toHaveLength(3);
  });

  it("keeps pipelined multi-line responses whole and in order", async () => {
    const client = await connect();
    client.write("USER alice@example.com\r\nPASS alice password\r\nRETR 1\r\nLIST\r\nRETR 2\r\nSTAT\r\n");
    expect(await client.readLine()).toMatch(/^\+OK/);
    expect(await client.readLine()).toMatch(/^\+OK Logged in/);
    expect((await client.readMulti()).body.toString()).toContain("Subject: m1");
    expect((await client.readMulti()).first).toMatch(/^\+OK 3 messages/);
    expect((await client.readMulti()).body.toString()).toContain("Subject: m2");
    expect(await client.readLine()).toMatch(/^\+OK 3 \d+$/);
  });

  it("caps connections per client address with -ERR [SYS/TEMP]", async () => {
    // The sessions of earlier tests are closed without waiting; on a busy machine the server may still count them.
    await waitFor("the earlier tests' connections to be gone", () => servers.plain.connections === 0, 5000, 10);
    const clients = [await connect(), await connect(), await connect()];
    const { client: fourth, greeting } = await Pop3Client.connect(servers.plain.port);
    open.push(fourth);
    expect(greeting).toBe("-ERR [SYS/TEMP] Too many connections, try again later");
    await fourth.closed();
    clients[0]?.close();
    await clients[0]?.closed();
    await waitFor("the server to count the closed connection", () => servers.plain.connections <= 2, 1000, 10);
    const { greeting: again } = await Pop3Client.connect(servers.plain.port).then((r) => {
      open.push(r.client);
      return r;
    });
    expect(again).toMatch(/^\+OK /);
  });
});
