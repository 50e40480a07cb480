// STLS (RFC 2595 §4), implicit TLS (RFC 8314), and credentials refused
// before TLS except from loopback (RFC 2595 §2.3).
import { connect as connectTls } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pop3Client } from "./support/pop3-client.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { externalAddress, type Pop3TestServers, startPop3TestServers } from "./support/pop3-servers.ts";
import { expectTranscript, plainResponse } from "./support/transcript.ts";

describe.each(POP3_BACKENDS)("POP3 TLS (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  const open: Pop3Client[] = [];

  beforeAll(async () => {
    fixture = await createPop3Fixture(kind);
    await fixture.addMailbox("alice@example.com", "alice password", "delete");
    // All interfaces, so that one test can connect from a non-loopback address.
    servers = await startPop3TestServers(fixture, { host: "0.0.0.0" });
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  async function connect(port = servers.plain.port, options: { host?: string; ca?: Buffer } = {}) {
    const { client, greeting } = await Pop3Client.connect(port, options);
    open.push(client);
    expect(greeting).toMatch(/^\+OK /);
    return client;
  }

  describe("POP3 STLS (RFC 2595 §4)", () => {
    it("upgrades, forgets USER given before TLS, and no longer offers STLS", async () => {
      const client = await connect();
      await expectTranscript(client, "C: USER alice@example.com\nS~ ^\\+OK\nC: STLS\nS: +OK Begin TLS negotiation");
      await client.startTls(servers.tls.cert);
      await expectTranscript(
        client,
        `
      C: PASS alice password
      S: -ERR Send USER first
      C: STLS
      S: -ERR Already using TLS
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
      S: IMPLEMENTATION Yubin
      S: .
      C: AUTH PLAIN ${plainResponse("alice@example.com", "alice password")}
      S~ ^\\+OK Logged in
      `,
      );
    });

    it("discards commands pipelined in plaintext after STLS (STARTTLS injection)", async () => {
      const client = await connect();
      // An attacker on the path appends commands to the client's STLS; they must never run.
      client.write("STLS\r\nUSER alice@example.com\r\nPASS alice password\r\nNOOP\r\n");
      expect(await client.readLine()).toBe("+OK Begin TLS negotiation");
      await client.startTls(servers.tls.cert);
      await expectTranscript(
        client,
        `
      C: PASS alice password
      S: -ERR Send USER first
      C: QUIT
      S: +OK pop.example.com POP3 server signing off
      `,
      );
      await client.closed();
      expect(client.pending().length).toBe(0);
    });

    it("discards a flood pipelined after STLS that filled the command queue", async () => {
      const client = await connect();
      client.write(`STLS\r\n${"USER alice@example.com\r\n".repeat(500)}`);
      expect(await client.readLine()).toBe("+OK Begin TLS negotiation");
      await client.startTls(servers.tls.cert);
      await expectTranscript(client, "C: PASS alice password\nS: -ERR Send USER first");
    });

    it("closes the connection when the TLS handshake fails", async () => {
      const client = await connect();
      await expectTranscript(client, "C: STLS\nS~ ^\\+OK");
      client.write("this is not a TLS ClientHello\r\n");
      await client.closed();
    });
  });

  describe("POP3 over implicit TLS (RFC 8314)", () => {
    it("greets over TLS and offers no STLS", async () => {
      const client = await connect(servers.implicit.port, { ca: servers.tls.cert });
      await expectTranscript(
        client,
        `
      C: STLS
      S: -ERR Already using TLS
      C: USER alice@example.com
      S: +OK Send PASS
      C: PASS alice password
      S~ ^\\+OK Logged in
      `,
      );
    });

    it("drops a client that never finishes its handshake without affecting others", async () => {
      const socket = connectTls({ port: servers.implicit.port, host: "127.0.0.1", rejectUnauthorized: false });
      socket.on("error", () => {});
      const client = await connect(servers.implicit.port, { ca: servers.tls.cert });
      await expectTranscript(client, "C: CAPA\nS: +OK Capability list follows");
      socket.destroy();
    });
  });

  describe("POP3 credentials before TLS from the network (RFC 2595 §2.3)", () => {
    const address = externalAddress();

    it.skipIf(address === null)(
      "refuses USER, PASS and AUTH, hides them from CAPA, and allows them after STLS",
      async () => {
        const client = await connect(servers.plain.port, { host: address ?? undefined });
        await expectTranscript(
          client,
          `
      C: CAPA
      S: +OK Capability list follows
      S: TOP
      S: UIDL
      S: RESP-CODES
      S: AUTH-RESP-CODE
      S: PIPELINING
      S: EXPIRE NEVER
      S: STLS
      S: IMPLEMENTATION Yubin
      S: .
      C: USER alice@example.com
      S: -ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS first
      C: PASS alice password
      S: -ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS first
      C: AUTH PLAIN ${plainResponse("alice@example.com", "alice password")}
      S: -ERR [AUTH] Plaintext authentication is not allowed without TLS: use STLS first
      C: STLS
      S: +OK Begin TLS negotiation
      `,
        );
        await client.startTls(servers.tls.cert);
        await expectTranscript(
          client,
          "C: USER alice@example.com\nS: +OK Send PASS\nC: PASS alice password\nS~ ^\\+OK Logged in",
        );
      },
    );
  });
});
