// How an SMTP connection starts and ends (mail-daemons/smtp/greeting-guard.ts):
// the greeting without smtp-server's 100 ms pause, early talkers still refused,
// connections capped in total and per client address, idle clients hung up on.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadTlsCredentials, type TlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { type ConnectionLimits, checkSmtpServerInternals } from "../../mail-daemons/smtp/greeting-guard.ts";
import type { MxBackend } from "../../mail-daemons/smtp/mx-backend.ts";
import { type MxServer, startMxServer } from "../../mail-daemons/smtp/mx-server.ts";
import type { SubmissionBackend } from "../../mail-daemons/smtp/submission-backend.ts";
import { startSubmissionServer } from "../../mail-daemons/smtp/submission-server.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";

const HOSTNAME = "mx.yubin.test";

const backend: MxBackend = {
  checkRecipient: async () => ({ ok: true, mailboxIds: [1] }),
  deliver: async (input) => ({ recipients: input.recipients.map((r) => ({ address: r.address, ok: true as const })) }),
};
const noDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};

let dataDir: string;
let tls: TlsCredentials;
const servers: { close(): Promise<void> }[] = [];
const clients: SmtpClient[] = [];

beforeAll(async () => {
  dataDir = scratchDir("yubin-smtp-connections-");
  tls = await loadTlsCredentials({ dataDir, hostname: HOSTNAME });
});

afterEach(async () => {
  vi.useRealTimers();
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function mx(connections: Partial<ConnectionLimits> = {}): Promise<MxServer> {
  const server = await startMxServer({
    port: 0,
    host: "127.0.0.1",
    hostname: HOSTNAME,
    tls,
    backend,
    dnsResolver: noDns,
    connections,
    log: () => {},
  });
  servers.push(server);
  return server;
}

async function connect(port: number) {
  const { client, greeting } = await SmtpClient.connect(port);
  clients.push(client);
  return { client, greeting };
}

describe("the greeting", () => {
  it("comes without smtp-server's 100 ms pause: no timer stands between accept and 220", async () => {
    const server = await mx();
    // With setTimeout faked and never advanced, a greeting that waits on a timer never comes.
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const socket = (await import("node:net")).connect(server.port, "127.0.0.1");
    const first = await new Promise<string>((resolve, reject) => {
      socket.once("data", (chunk) => resolve(chunk.toString("latin1")));
      socket.once("error", reject);
    });
    socket.destroy();
    expect(first).toBe(`220 ${HOSTNAME} ESMTP Yubin\r\n`);
  });

  it("fails loudly when smtp-server's SMTPConnection#init is not the code it replaces", () => {
    expect(() => checkSmtpServerInternals()).not.toThrow();
    function init() {
      setTimeout(() => {}, 50);
    }
    expect(() => checkSmtpServerInternals(init)).toThrow(
      /smtp-server \d+\.\d+\.\d+: SMTPConnection#init is not the code/,
    );
  });
});

/**
 * A client in another process that connects, sends `bytes` at once and prints
 * what it reads until the server closes. This process's event loop is held
 * until the client has sent, so its bytes are waiting when the server accepts:
 * the client talks before any greeting could have been written.
 */
async function earlyTalker(port: number, bytes: string): Promise<string> {
  const marker = path.join(dataDir, `sent-${Date.now()}-${Math.random()}`);
  const script = [
    "import socket, sys",
    `s = socket.create_connection(("127.0.0.1", ${port}))`,
    `s.sendall(${JSON.stringify(bytes)}.encode())`,
    `open(${JSON.stringify(marker)}, "w").close()`,
    "s.settimeout(10)",
    "data = b''",
    "while True:",
    "    chunk = s.recv(4096)",
    "    if not chunk: break",
    "    data += chunk",
    "sys.stdout.write(data.decode('latin1'))",
  ].join("\n");
  const child = spawn("python3", ["-c", script]);
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("latin1");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 10_000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(marker) && Date.now() < deadline) Atomics.wait(nap, 0, 0, 5);
  expect(existsSync(marker), "the client connected and sent within 10 s").toBe(true);
  expect(await exited).toBe(0);
  return out;
}

describe("early talkers (RFC 5321 §3.1: the client waits for the greeting)", () => {
  it("refuses a client that sends a command before the greeting", async () => {
    const server = await mx();
    const heard = await earlyTalker(server.port, "EHLO spam.example\r\nMAIL FROM:<a@spam.example>\r\n");
    expect(heard).toMatch(/^421 mx\.yubin\.test You talk too soon\r\n$/);
  });

  it("refuses a client that sends part of a line before the greeting", async () => {
    const server = await mx();
    const heard = await earlyTalker(server.port, "EHLO spam.exa");
    expect(heard).toBe(`421 ${HOSTNAME} You talk too soon\r\n`);
  });

  it("greets a client that waits, and serves it", async () => {
    const server = await mx();
    const { client, greeting } = await connect(server.port);
    expect(greeting.last).toBe(`220 ${HOSTNAME} ESMTP Yubin`);
    expect((await client.send("EHLO client.example")).code).toBe(250);
  });
});

describe("connection caps", () => {
  it("421 4.7.0 and a closed connection for a client address over its share; a slot freed is usable again", async () => {
    const server = await mx({ maxPerAddress: 2 });
    const first = await connect(server.port);
    await connect(server.port);
    const { client, greeting } = await SmtpClient.connect(server.port);
    clients.push(client);
    expect(greeting.last).toBe("421 4.7.0 Too many connections from your address, try again later");
    expect(await client.rest()).toEqual([]);
    first.client.close();
    // The freed slot is counted when the server sees the close: retry until then.
    for (let attempt = 0; ; attempt++) {
      const again = await SmtpClient.connect(server.port);
      clients.push(again.client);
      if (again.greeting.code === 220) break;
      expect(attempt).toBeLessThan(50);
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it("421 4.7.0 when the listener is full, whoever asks", async () => {
    const server = await mx({ maxConnections: 3, maxPerAddress: 10 });
    for (let i = 0; i < 3; i++) await connect(server.port);
    const { client, greeting } = await SmtpClient.connect(server.port);
    clients.push(client);
    expect(greeting.last).toBe("421 4.7.0 Too many connections, try again later");
    expect(await client.rest()).toEqual([]);
  });

  it("caps the submission listeners too", async () => {
    const submissionBackend: SubmissionBackend = {
      login: async () => ({ ok: false, reason: "invalid" }),
      maySendAs: async () => false,
      checkRecipient: async () => ({ ok: true, mailboxIds: [] }),
      submit: async () => ({ ok: false, code: 451, enhanced: "4.3.0", message: "not in this test" }),
    };
    const server = await startSubmissionServer({
      port: 0,
      host: "127.0.0.1",
      hostname: HOSTNAME,
      tls,
      implicitTls: false,
      backend: submissionBackend,
      connections: { maxPerAddress: 1 },
      log: () => {},
    });
    servers.push(server);
    await connect(server.port);
    const { client, greeting } = await SmtpClient.connect(server.port);
    clients.push(client);
    expect(greeting.last).toBe("421 4.7.0 Too many connections from your address, try again later");
  });
});

describe("idle clients (RFC 5321 §4.5.3.2.7)", () => {
  it("hangs up on a client that stops talking", async () => {
    const server = await mx({ idleTimeoutMs: 300 });
    const { client } = await connect(server.port);
    expect((await client.send("EHLO client.example")).code).toBe(250);
    const started = Date.now();
    expect(await client.rest(5_000)).toEqual([expect.stringMatching(/^421 4\.4\.2 Timeout - closing connection$/)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("hangs up sooner while the listener is busy", async () => {
    const server = await mx({ maxConnections: 4, maxPerAddress: 10, idleTimeoutMs: 60_000, busyIdleTimeoutMs: 300 });
    const quiet = [];
    for (let i = 0; i < 4; i++) quiet.push((await connect(server.port)).client);
    // Every socket's timer is re-armed with the busy value at its next activity.
    for (const c of quiet) expect((await c.send("NOOP")).code).toBe(250);
    const heard = await Promise.all(quiet.map((c) => c.rest(5_000)));
    expect(heard.every((lines) => /^421 4\.4\.2 /.test(lines[0] ?? ""))).toBe(true);
  });
});
