// Starts the two POP3 listeners of the `mail` role (STLS and implicit TLS)
// on free loopback ports over a test fixture, with a certificate for
// "localhost" that clients trust by pinning it as their CA.
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Pop3Server, type Pop3ServerOptions, startPop3Server } from "../../../../mail-daemons/pop3/pop3-server.ts";
import type { TlsCredentials } from "../../../../mail-daemons/shared/tls.ts";
import { loadTlsCredentials } from "../../../../mail-daemons/shared/tls.ts";
import { scratchDir } from "../../../support/yubin-process.ts";
import type { Pop3Fixture } from "./pop3-fixture.ts";

export interface Pop3TestServers {
  plain: Pop3Server;
  implicit: Pop3Server;
  tls: TlsCredentials;
  /** Log lines the servers wrote. */
  log: string[];
  close(): Promise<void>;
}

let credentials: Promise<TlsCredentials> | null = null;

export function testCredentials(): Promise<TlsCredentials> {
  credentials ??= loadTlsCredentials({ dataDir: scratchDir("yubin-pop3-tls-"), hostname: "localhost" });
  return credentials;
}

export async function startPop3TestServers(
  fixture: Pop3Fixture,
  overrides: Partial<Pop3ServerOptions> = {},
): Promise<Pop3TestServers> {
  const tls = await testCredentials();
  const log: string[] = [];
  const common = {
    port: 0,
    host: "127.0.0.1",
    hostname: "pop.example.com",
    tls,
    backend: fixture.backend,
    log: (line: string) => log.push(line),
    ...overrides,
  };
  const plain = await startPop3Server({ ...common, implicitTls: false });
  const implicit = await startPop3Server({ ...common, implicitTls: true });
  return {
    plain,
    implicit,
    tls,
    log,
    close: async () => {
      await Promise.all([plain.close(), implicit.close()]);
    },
  };
}

/** An IPv4 address of this host that is not loopback, to connect "from the network"; null when there is none. */
export function externalAddress(): string | null {
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === "IPv4" && !entry.internal) return entry.address;
    }
  }
  return null;
}

/** The test certificate as a PEM file, for clients that take a CA file (poplib, fetchmail, getmail). */
export async function scratchCertificate(cert: Buffer): Promise<string> {
  const file = path.join(scratchDir("yubin-pop3-ca-"), "ca.pem");
  await writeFile(file, cert);
  return file;
}
