// Interop with fetchmail (Debian package `fetchmail`): STLS with certificate
// checking, UIDL-based "keep" polling, and download-and-delete over implicit
// TLS. Messages with "." lines and 8-bit Japanese must arrive byte for byte
// (fetchmail hands them to the MDA with LF endings).
import { execFile } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDir } from "../../support/yubin-process.ts";
import { deliveryDirectory, findBinary, withLf } from "./support/external-clients.ts";
import { DOTTED, JAPANESE, plainMessage } from "./support/messages.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, scratchCertificate, startPop3TestServers } from "./support/pop3-servers.ts";

const FETCHMAIL = findBinary("fetchmail");
const DELIVERED = [plainMessage("hello"), DOTTED, JAPANESE];
const expected = DELIVERED.map(withLf).sort(Buffer.compare);
const title = FETCHMAIL
  ? "POP3 interop with fetchmail"
  : "POP3 interop with fetchmail (skipped: fetchmail is not installed; apt-get install fetchmail)";

describe.each(POP3_BACKENDS)("POP3 fetchmail (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  let cafile: string;

  beforeAll(async () => {
    if (!FETCHMAIL) return;
    fixture = await createPop3Fixture(kind);
    for (const address of ["keep@example.com", "delete@example.com"]) {
      await fixture.addMailbox(address, "pass words", "delete");
      for (const raw of DELIVERED) await fixture.deliver(address, raw);
    }
    servers = await startPop3TestServers(fixture);
    cafile = await scratchCertificate(servers.tls.cert);
  });

  afterAll(async () => {
    await servers?.close();
    await fixture?.close();
  });

  /** Runs fetchmail once in its own home; resolves to its exit status (0: mail, 1: no mail). */
  async function fetchmail(home: string, poll: string): Promise<{ status: number; output: string }> {
    const rc = path.join(home, "fetchmailrc");
    await writeFile(rc, `set invisible\nset no syslog\nset no bouncemail\n${poll}\n`);
    await chmod(rc, 0o600);
    return new Promise((resolve) => {
      execFile(
        FETCHMAIL as string,
        ["-f", rc, "--nodetach", "-v"],
        { env: { ...process.env, FETCHMAILHOME: home, HOME: home }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 99) : 0, output: stdout + stderr }),
      );
    });
  }

  describe.skipIf(!FETCHMAIL)(title, () => {
    it("downloads over STLS and keeps; a second poll finds nothing new by UIDL", async () => {
      const home = scratchDir("yubin-fetchmail-");
      await chmod(home, 0o700);
      const mda = await deliveryDirectory();
      const poll = [
        `poll localhost via 127.0.0.1 with proto POP3 port ${servers.plain.port} uidl`,
        `  user "keep@example.com" there with password "pass words" is "${process.env.USER ?? "root"}" here`,
        `  sslproto 'TLS1.2+' sslcommonname "localhost" sslcertck sslcertfile "${cafile}"`,
        `  keep no rewrite mda "${mda.script}"`,
      ].join("\n");
      const first = await fetchmail(home, poll);
      expect(first.output).toContain("POP3> STLS");
      expect(first.status, first.output).toBe(0);
      expect(await mda.messages()).toEqual(expected);
      const second = await fetchmail(home, poll);
      expect(second.status, second.output).toBe(1);
      expect(await mda.messages()).toHaveLength(3);
      expect(await fixture.stored("keep@example.com")).toEqual(DELIVERED);
    });

    it("downloads over implicit TLS and deletes", async () => {
      const home = scratchDir("yubin-fetchmail-");
      await chmod(home, 0o700);
      const mda = await deliveryDirectory();
      const poll = [
        `poll localhost via 127.0.0.1 with proto POP3 port ${servers.implicit.port}`,
        `  user "delete@example.com" there with password "pass words" is "${process.env.USER ?? "root"}" here`,
        `  ssl sslcommonname "localhost" sslcertck sslcertfile "${cafile}"`,
        `  no keep no rewrite mda "${mda.script}"`,
      ].join("\n");
      const result = await fetchmail(home, poll);
      expect(result.status, result.output).toBe(0);
      expect(await mda.messages()).toEqual(expected);
      expect(await fixture.stored("delete@example.com")).toEqual([]);
    });
  });
});
