// Interop with getmail6 (Debian package `getmail6`): plaintext on loopback
// leaving mail on the server (a second run skips what it has, by UIDL), and
// implicit TLS with certificate checking, deleting. getmail hands messages
// to the MDA with LF endings and one "Return-Path:" line of its own on top;
// everything else must be byte for byte what was delivered.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDir } from "../../support/yubin-process.ts";
import { deliveryDirectory, findBinary, withLf } from "./support/external-clients.ts";
import { DOTTED, JAPANESE, plainMessage } from "./support/messages.ts";
import { createPop3Fixture, POP3_BACKENDS, type Pop3Fixture } from "./support/pop3-fixture.ts";
import { type Pop3TestServers, scratchCertificate, startPop3TestServers } from "./support/pop3-servers.ts";

const GETMAIL = findBinary("getmail");
const DELIVERED = [plainMessage("hello"), DOTTED, JAPANESE];
const expected = DELIVERED.map(withLf).sort(Buffer.compare);
const title = GETMAIL
  ? "POP3 interop with getmail6"
  : "POP3 interop with getmail6 (skipped: getmail is not installed; apt-get install getmail6)";

describe.each(POP3_BACKENDS)("POP3 getmail6 (%s backend)", (kind) => {
  let fixture: Pop3Fixture;
  let servers: Pop3TestServers;
  let cafile: string;

  beforeAll(async () => {
    if (!GETMAIL) return;
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

  async function getmail(home: string, retriever: string, mdaScript: string, remove: boolean): Promise<string> {
    await writeFile(
      path.join(home, "getmailrc"),
      `[retriever]\n${retriever}\n\n[destination]\ntype = MDA_external\npath = ${mdaScript}\nunixfrom = false\n` +
        // getmail refuses to run an MDA as root unless told; CI containers run as root.
        `allow_root_commands = true\n\n[options]\nread_all = false\ndelete = ${remove}\ndelivered_to = false\nreceived = false\nmessage_log_syslog = false\n`,
    );
    return new Promise((resolve, reject) => {
      execFile(
        GETMAIL as string,
        ["--getmaildir", home, "--rcfile", "getmailrc"],
        { timeout: 30_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
      );
    });
  }

  /** getmail's own addition, the only change it makes. */
  function withoutReturnPath(message: Buffer): Buffer {
    const prefix = Buffer.from("Return-Path: <unknown>\n");
    return message.subarray(0, prefix.length).equals(prefix) ? message.subarray(prefix.length) : message;
  }

  describe.skipIf(!GETMAIL)(title, () => {
    it("downloads over loopback plaintext and keeps; a second run skips every message", async () => {
      const home = scratchDir("yubin-getmail-");
      const mda = await deliveryDirectory();
      const retriever = `type = SimplePOP3Retriever\nserver = 127.0.0.1\nport = ${servers.plain.port}\nusername = keep@example.com\npassword = pass words`;
      expect(await getmail(home, retriever, mda.script, false)).toMatch(/3 messages .* retrieved/);
      expect((await mda.messages()).map(withoutReturnPath).sort(Buffer.compare)).toEqual(expected);
      expect(await getmail(home, retriever, mda.script, false)).toMatch(/0 messages .* retrieved, 3 skipped/);
      expect(await fixture.stored("keep@example.com")).toEqual(DELIVERED);
    });

    it("downloads over implicit TLS and deletes", async () => {
      const home = scratchDir("yubin-getmail-");
      const mda = await deliveryDirectory();
      const retriever = `type = SimplePOP3SSLRetriever\nserver = localhost\nport = ${servers.implicit.port}\nusername = delete@example.com\npassword = pass words\nca_certs = ${cafile}`;
      expect(await getmail(home, retriever, mda.script, true)).toMatch(/3 messages .* retrieved/);
      expect((await mda.messages()).map(withoutReturnPath).sort(Buffer.compare)).toEqual(expected);
      expect(await fixture.stored("delete@example.com")).toEqual([]);
    });
  });
});
