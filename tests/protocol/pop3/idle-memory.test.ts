// Issue 12: under 100 KB of memory per idle session. A child process runs
// the server with --expose-gc; this process opens idle sessions (logged in,
// with a 20-message maildrop) and asks for heap + native memory after a full
// collection, before and after.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDir } from "../../support/yubin-process.ts";
import { Pop3Client } from "./support/pop3-client.ts";
import { expectTranscript } from "./support/transcript.ts";

const SESSIONS = 200;
const LIMIT = 100 * 1024;

interface Sample {
  rss: number;
  heap: number;
  external: number;
  sessions: number;
}

let child: ChildProcessWithoutNullStreams;
let lines: Interface;
let ports: [number, number];
let cert: Buffer;

beforeAll(async () => {
  const dataDir = scratchDir("yubin-pop3-memory-");
  child = spawn(process.execPath, [
    "--expose-gc",
    "--import",
    "tsx",
    path.join(import.meta.dirname, "support/idle-memory-server.ts"),
    dataDir,
  ]);
  lines = createInterface({ input: child.stdout });
  const ready = (await next()) as { ports: [number, number]; cert: string };
  ports = ready.ports;
  cert = Buffer.from(ready.cert);
});

afterAll(() => {
  child?.kill();
});

async function next(): Promise<unknown> {
  const [line] = (await new Promise((resolve) => lines.once("line", (l) => resolve([l])))) as [string];
  return JSON.parse(line);
}

async function sample(): Promise<Sample> {
  child.stdin.write("measure\n");
  return (await next()) as Sample;
}

async function openSessions(count: number, offset: number, tls: boolean): Promise<Pop3Client[]> {
  const ca = tls ? cert : undefined;
  const clients: Pop3Client[] = [];
  for (let i = 0; i < count; i++) {
    const { client } = await Pop3Client.connect(tls ? ports[1] : ports[0], { ca, host: "127.0.0.1" });
    await expectTranscript(
      client,
      `C: USER user${offset + i}@example.com\nS~ ^\\+OK\nC: PASS pass word\nS~ ^\\+OK Logged in, 20`,
    );
    clients.push(client);
  }
  return clients;
}

describe("POP3 memory per idle session", () => {
  for (const [name, tls, offset] of [
    ["plaintext (loopback)", false, 0],
    ["implicit TLS", true, 500],
  ] as const) {
    it(`stays under 100 KB per logged-in idle session over ${name}`, async () => {
      const before = await sample();
      const clients = await openSessions(SESSIONS, offset, tls);
      const during = await sample();
      expect(during.sessions).toBe(before.sessions + SESSIONS);
      const perSession = (during.heap + during.external - before.heap - before.external) / SESSIONS;
      // RSS also counts OpenSSL's own allocations, which V8 does not see; reported, not asserted (allocator noise).
      const rss = (during.rss - before.rss) / SESSIONS;
      console.log(
        `pop3 idle session over ${name}: ${Math.round(perSession / 1024)} KB heap + external, ${Math.round(rss / 1024)} KB RSS`,
      );
      expect(perSession).toBeLessThan(LIMIT);
      for (const client of clients) client.close();
    });
  }
});
