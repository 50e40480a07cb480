// Python's imaplib against the server: login over implicit TLS, list,
// select, search, fetch, store, append, expunge, logout.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImapFixture, memoryFixture, USERS } from "./support/imap-fixture.ts";
import { RFC_EXAMPLE } from "./support/sample-mail.ts";

const run = promisify(execFile);

const SCRIPT = `
import imaplib, ssl, sys, json
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
out = {}
out["login"] = m.login(user, password)[0]
out["list"] = len(m.list()[1])
out["select"] = m.select("INBOX")[1][0].decode()
out["search"] = m.search(None, "ALL")[1][0].decode()
typ, data = m.fetch("1", "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
out["fetch"] = data[0][1].decode().strip()
out["store"] = m.store("1", "+FLAGS", "(\\\\Deleted)")[1][0].decode()
out["append"] = m.append("INBOX", "(\\\\Seen)", None, b"Subject: from python\\r\\n\\r\\nhi\\r\\n")[1][0].decode()
out["expunge"] = [d.decode() for d in m.expunge()[1]]
out["status"] = m.status("INBOX", "(MESSAGES)")[1][0].decode()
out["logout"] = m.logout()[0]
print(json.dumps(out))
`;

describe("Python imaplib interop", () => {
  let fixture: ImapFixture;
  beforeEach(async () => {
    fixture = await memoryFixture();
    await fixture.deliver(USERS.alice.email, RFC_EXAMPLE);
  });
  afterEach(async () => fixture.close());

  it("runs a whole session", async () => {
    const { stdout } = await run("python3", [
      "-c",
      SCRIPT,
      String(fixture.tlsPort),
      USERS.alice.email,
      USERS.alice.password,
    ]);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({
      login: "OK",
      select: "1",
      search: "1",
      fetch: "Subject: IMAP4rev1 WG mtg summary and minutes",
      // The message came in before this session selected INBOX: it is \Recent here (RFC 3501 §2.3.2).
      store: "1 (FLAGS (\\Deleted \\Recent))",
      expunge: ["1"],
      status: "INBOX (MESSAGES 1)",
      logout: "BYE",
    });
    expect(out.append).toMatch(/^\[APPENDUID \d+ 2\] APPEND completed$/);
    expect(out.list).toBeGreaterThan(6);
  });
});
