// The mbox reader and writer on their own: splitting at From_ lines (mboxrd,
// mboxo, no blank line, CRLF and bare LF), quoting and unquoting, dates,
// reading across chunk boundaries and from a resume offset, the size limit,
// and files that are no mbox.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withCrlf } from "../../server/transfer/line-endings.ts";
import { fromLineDate, type MboxMessage, NotMbox, readMbox } from "../../server/transfer/mbox-reader.ts";
import { asctime, mboxEntry } from "../../server/transfer/mbox-writer.ts";
import { statusFlags } from "../../server/transfer/status-flags.ts";
import { scratchDir } from "../support/yubin-process.ts";

const dir = scratchDir("mbox-unit-");
let n = 0;

function file(content: string | Buffer): string {
  const name = path.join(dir, `f${++n}.mbox`);
  writeFileSync(name, content);
  return name;
}

async function read(name: string, options: { start?: number; max?: number; chunk?: number } = {}) {
  const out: MboxMessage[] = [];
  for await (const m of readMbox(name, {
    start: options.start,
    maxMessageBytes: options.max ?? 1024 * 1024,
    chunkBytes: options.chunk,
  }))
    out.push(m);
  return out;
}

const text = (m: MboxMessage) => m.raw?.toString("utf8");

describe("readMbox", () => {
  const unix = [
    "From alice@example.org Thu Jan  5 03:07:14 2023",
    "From: Alice <alice@example.org>",
    "Subject: one",
    "",
    "Hello.",
    ">From the start of a line, quoted by the writer",
    ">>From twice quoted",
    ">Not a From line",
    "",
    "From bob@example.org Fri Jan  6 10:00:00 2023",
    "From: Bob <bob@example.org>",
    "Subject: two",
    "",
    "From me and everyone here: an unquoted line that is no From_ line (mboxo)",
    "",
    "Bye.",
    "",
  ].join("\n");

  it("splits at From_ lines, undoes mboxrd quoting, stores CRLF and drops the separator line", async () => {
    const messages = await read(file(unix));
    expect(messages.map(text)).toEqual([
      "From: Alice <alice@example.org>\r\nSubject: one\r\n\r\nHello.\r\nFrom the start of a line, quoted by the writer\r\n>From twice quoted\r\n>Not a From line\r\n",
      "From: Bob <bob@example.org>\r\nSubject: two\r\n\r\nFrom me and everyone here: an unquoted line that is no From_ line (mboxo)\r\n\r\nBye.\r\n",
    ]);
    expect(messages[0]?.fromLine).toBe("From alice@example.org Thu Jan  5 03:07:14 2023");
    expect(messages[0]?.start).toBe(0);
    expect(messages[1]?.start).toBe(unix.indexOf("From bob"));
    expect(messages[0]?.end).toBe(messages[1]?.start);
    expect(messages[1]?.end).toBe(Buffer.byteLength(unix));
  });

  it("reads the same from CRLF files, in 7-byte chunks, and from a resume offset", async () => {
    const crlf = file(unix.replace(/\n/g, "\r\n"));
    const whole = await read(crlf);
    expect(whole.map(text)).toEqual((await read(file(unix))).map(text));
    expect((await read(crlf, { chunk: 7 })).map(text)).toEqual(whole.map(text));
    const resumed = await read(crlf, { start: whole[1]?.start });
    expect(resumed.map(text)).toEqual([text(whole[1] as MboxMessage)]);
    await expect(read(crlf, { start: 3 })).rejects.toThrow(/no message starts at byte 3: the file changed/);
  });

  it("splits at a full From_ line even without a blank line before it, and tolerates blank lines first", async () => {
    const messages = await read(
      file(
        "\n\nFrom a@x Thu Jan  5 03:07:14 2023\nSubject: a\n\nA\nFrom b@x Thu Jan  5 03:08:14 2023\nSubject: b\n\nB",
      ),
    );
    expect(messages.map(text)).toEqual(["Subject: a\r\n\r\nA\r\n", "Subject: b\r\n\r\nB"]);
  });

  it("reports a message over the limit by size, without its bytes, and goes on", async () => {
    const big = "x".repeat(5000);
    const messages = await read(
      file(
        `From a@x Thu Jan  5 03:07:14 2023\nSubject: big\n\n${big}\n${big}\n\nFrom b@x Thu Jan  5 03:08:14 2023\nSubject: b\n\nB\n`,
      ),
      { max: 4096, chunk: 1000 },
    );
    expect(messages[0]?.raw).toBeNull();
    expect(messages[0]?.size).toBeGreaterThan(4096);
    expect(text(messages[1] as MboxMessage)).toBe("Subject: b\r\n\r\nB\r\n");
  });

  it("refuses a file that does not start with a From_ line", async () => {
    await expect(read(file("Subject: an .eml, not an mbox\n\nbody\n"))).rejects.toBeInstanceOf(NotMbox);
    await expect(read(file(Buffer.from([0x50, 0x4b, 3, 4, 0, 0])))).rejects.toThrow(
      /does not start with a "From " line/,
    );
  });

  it("reads the From_ line's date in UTC or with its zone", () => {
    expect(fromLineDate("From a@x Thu Jan  5 03:07:14 2023")?.toISOString()).toBe("2023-01-05T03:07:14.000Z");
    expect(fromLineDate("From 1791@xxx Thu Jan 05 03:07:14 +0900 2023")?.toISOString()).toBe(
      "2023-01-04T18:07:14.000Z",
    );
    expect(fromLineDate("From - no date here")).toBeNull();
  });
});

describe("mboxEntry", () => {
  it("quotes ^>*From  lines, keeps everything else, and reads back byte for byte", async () => {
    const raw = Buffer.from(
      "From: x@example.org\r\nSubject: quoting\r\n\r\nFrom here\r\n>From there\r\n>>From afar\r\nFrom\r\n From not at the start\r\n",
    );
    const entry = Buffer.concat(
      mboxEntry({ raw, sender: "x@example.org", date: new Date(Date.UTC(2023, 0, 5, 3, 7, 14)) }),
    );
    expect(entry.toString()).toBe(
      "From x@example.org Thu Jan  5 03:07:14 2023\r\nFrom: x@example.org\r\nSubject: quoting\r\n\r\n>From here\r\n>>From there\r\n>>>From afar\r\nFrom\r\n From not at the start\r\n\r\n",
    );
    const twice = file(Buffer.concat([entry, entry]));
    const back = await read(twice);
    expect(back.map((m) => m.raw?.equals(raw))).toEqual([true, true]);
    expect(asctime(new Date(Date.UTC(2024, 10, 25, 23, 5, 9)))).toBe("Mon Nov 25 23:05:09 2024");
  });

  it("uses MAILER-DAEMON for a sender that cannot stand in a From_ line", () => {
    const [line] = mboxEntry({ raw: Buffer.from("x\n"), sender: "two words@x", date: new Date(0) });
    expect(line?.toString()).toBe("From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n");
  });
});

describe("line endings and mbox flags", () => {
  it("turns bare LF into CRLF and leaves CRLF alone", () => {
    expect(withCrlf(Buffer.from("a\nb\r\nc\n")).toString()).toBe("a\r\nb\r\nc\r\n");
    const crlf = Buffer.from("a\r\nb\r\n");
    expect(withCrlf(crlf)).toBe(crlf);
  });

  it("reads Status and X-Status as IMAP flags", () => {
    expect(statusFlags(Buffer.from("Subject: s\nStatus: RO\nX-Status: AF\n\nStatus: body\n"))).toEqual([
      "\\Seen",
      "\\Answered",
      "\\Flagged",
    ]);
    expect(statusFlags(Buffer.from("Subject: s\r\nStatus: O\r\n\r\n"))).toEqual([]);
  });
});
