// Interop with Python's poplib: plaintext on loopback, STLS and implicit
// TLS; messages with lines that begin with "." and 8-bit Japanese content
// must arrive byte for byte as delivered, with the sizes LIST announced.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOTTED, JAPANESE, plainMessage } from "./support/messages.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, scratchCertificate, startPop3TestServers } from "./support/pop3-servers.ts";

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, "support/poplib-client.py");
const DELIVERED = [plainMessage("hello"), DOTTED, JAPANESE];

interface PoplibResult {
  welcome: string;
  capa: string[];
  stat: [number, number];
  list: string[];
  uidl: string[];
  messages: { octets: number; raw: string }[];
  top?: string;
  quit: string;
}

describe.each(POP3_BACKENDS)("POP3 poplib (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  let cafile: string;
  let teamPassword: string;
  const uidls = new Map<string, string[]>();

  beforeAll(async () => {
    fixture = await createPop3Fixture(kind);
    for (const address of ["plain@example.com", "stls@example.com", "ssl@example.com"]) {
      await fixture.addMailbox(address, "pass words", "delete");
      const delivered: string[] = [];
      for (const raw of DELIVERED) delivered.push(await fixture.deliver(address, raw));
      uidls.set(address, delivered);
    }
    await fixture.addSharedMailbox("team@example.com", "keep");
    teamPassword = await fixture.addAppPassword("team@example.com");
    const team: string[] = [];
    for (const raw of DELIVERED) team.push(await fixture.deliver("team@example.com", raw));
    uidls.set("team@example.com", team);
    servers = await startPop3TestServers(fixture);
    cafile = await scratchCertificate(servers.tls.cert);
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  async function poplib(config: Record<string, unknown>): Promise<PoplibResult> {
    const { stdout } = await run("python3", [SCRIPT, JSON.stringify({ host: "localhost", cafile, ...config })]);
    return JSON.parse(stdout) as PoplibResult;
  }

  function expectDelivered(result: PoplibResult, address: string): void {
    expect(result.messages.map((m) => Buffer.from(m.raw, "base64"))).toEqual(DELIVERED);
    const listed = result.list.map((line) => Number(line.split(" ")[1]));
    expect(result.messages.map((m) => m.octets)).toEqual(listed);
    expect(listed).toEqual(DELIVERED.map((raw) => raw.length));
    expect(result.stat).toEqual([3, DELIVERED.reduce((sum, raw) => sum + raw.length, 0)]);
    expect(result.uidl).toEqual(uidls.get(address)?.map((uidl, i) => `${i + 1} ${uidl}`));
    expect(Buffer.from(result.top ?? "", "base64").toString()).toMatch(/^From: Customer .*\r\n\r\n$/s);
  }

  describe("POP3 interop with Python poplib", () => {
    it("downloads and deletes over loopback plaintext", async () => {
      const result = await poplib({
        port: servers.plain.port,
        mode: "plain",
        user: "plain@example.com",
        password: "pass words",
        delete: true,
      });
      expect(result.welcome).toBe("+OK pop.example.com Yubin POP3 server ready");
      expect(result.capa).toEqual(
        expect.arrayContaining(["STLS", "UIDL", "TOP", "USER", "SASL", "PIPELINING", "RESP-CODES"]),
      );
      expectDelivered(result, "plain@example.com");
      expect(result.quit).toMatch(/3 messages deleted/);
      expect(await fixture.stored("plain@example.com")).toEqual([]);
    });

    it("downloads over STLS", async () => {
      const result = await poplib({
        port: servers.plain.port,
        mode: "stls",
        user: "stls@example.com",
        password: "pass words",
      });
      expectDelivered(result, "stls@example.com");
      expect(await fixture.stored("stls@example.com")).toHaveLength(3);
    });

    it("downloads over implicit TLS and deletes", async () => {
      const result = await poplib({
        port: servers.implicit.port,
        mode: "ssl",
        user: "ssl@example.com",
        password: "pass words",
        delete: true,
      });
      expectDelivered(result, "ssl@example.com");
      expect(await fixture.stored("ssl@example.com")).toEqual([]);
    });

    it("'deletes' from a shared mailbox under keep: gone for this login, still there for the team", async () => {
      const first = await poplib({
        port: servers.implicit.port,
        mode: "ssl",
        user: "team@example.com",
        password: teamPassword,
        delete: true,
      });
      expectDelivered(first, "team@example.com");
      const second = await poplib({
        port: servers.implicit.port,
        mode: "ssl",
        user: "team@example.com",
        password: teamPassword,
      });
      expect(second.stat).toEqual([0, 0]);
      expect(await fixture.stored("team@example.com")).toEqual(DELIVERED);
    });
  });
});
