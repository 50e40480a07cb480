// The parser against random input: bytes, and command-shaped token soup.
// Every input must be answered (events, never an exception) in bounded time,
// and the framer must never hold more than a line plus one literal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../mail-daemons/imap/commands/registry.ts";
import { CommandFramer } from "../../../mail-daemons/imap/parser/command-framer.ts";
import { parseCommandName, parseTag } from "../../../mail-daemons/imap/parser/command-line.ts";
import { Cursor } from "../../../mail-daemons/imap/parser/cursor.ts";
import { ParseError } from "../../../mail-daemons/imap/parser/parse-error.ts";
import { IMAP_MAX_COMMAND_TEXT_BYTES, IMAP_MAX_LINE_BYTES } from "../../../server/limits.ts";

/** Frames and parses everything in `chunks`, as the connection would, minus the handlers. */
function parseEverything(chunks: Uint8Array[]): number {
  const framer = new CommandFramer((request) =>
    request.size <= 4096 ? { accept: true } : { accept: false, status: "NO", code: "TOOBIG", text: "too big" },
  );
  let parsed = 0;
  for (const chunk of chunks) {
    framer.push(Buffer.from(chunk));
    for (let event = framer.next(); event; event = framer.next()) {
      if (event.kind === "fatal") return parsed;
      if (event.kind !== "command") continue;
      const cursor = new Cursor(event.command);
      try {
        parseTag(cursor);
        const command = COMMANDS.get(parseCommandName(cursor));
        command?.prepare(cursor, { utf8: false });
        parsed += 1;
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
      }
    }
    expect(framer.pendingBytes).toBeLessThanOrEqual(IMAP_MAX_LINE_BYTES + IMAP_MAX_COMMAND_TEXT_BYTES + 64 * 1024);
  }
  return parsed;
}

const TOKENS = [
  "a1",
  "UID",
  "FETCH",
  "STORE",
  "SEARCH",
  "SELECT",
  "LIST",
  "APPEND",
  "LOGIN",
  "STATUS",
  "COPY",
  "MOVE",
  "ENABLE",
  "1",
  "*",
  "1:*",
  "$",
  "2,4:6",
  "0",
  "4294967296",
  "(",
  ")",
  "[",
  "]",
  "<0.10>",
  "BODY",
  "BODY.PEEK[",
  "HEADER.FIELDS",
  "BINARY[1]",
  "(FLAGS",
  "\\Seen",
  "\\Deleted",
  "+FLAGS.SILENT",
  "UNCHANGEDSINCE",
  "OR",
  "NOT",
  "CHARSET",
  "UTF-8",
  "RETURN",
  "(MIN",
  "MAX)",
  "QRESYNC",
  "CONDSTORE",
  '"quoted"',
  '"unterminated',
  '"\\x"',
  "{3}",
  "{3+}",
  "~{2+}",
  "{99999999}",
  "abc",
  "INBOX",
  "&ZeVnLIqe-",
  "\u65e5\u672c",
  "\u0000",
  " ",
  "  ",
  "\r\n",
  "\n",
  "%",
  "MODSEQ",
  "VANISHED",
  "CHANGEDSINCE",
];

describe("parser fuzzing", () => {
  it("random bytes never throw and are answered in bounded time", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2048 }), { maxLength: 8 }), (chunks) => {
        const started = performance.now();
        parseEverything(chunks);
        expect(performance.now() - started).toBeLessThan(500);
      }),
      { numRuns: 500 },
    );
  });

  it("command-shaped token soup never throws anything but ParseError", () => {
    const line = fc
      .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 30 })
      .map((tokens) => tokens.join(" "));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 10 }), (lines) => {
        const text = `${lines.join("\r\n")}\r\n`;
        const bytes = Buffer.from(text, "utf8");
        // Split at random-ish points to exercise incremental framing.
        const chunks = [bytes.subarray(0, bytes.length >> 1), bytes.subarray(bytes.length >> 1)];
        const started = performance.now();
        parseEverything(chunks);
        expect(performance.now() - started).toBeLessThan(500);
      }),
      { numRuns: 2000 },
    );
  });

  it("pathological inputs stay fast: deep nesting, huge sets, long lines", () => {
    const cases = [
      `a SEARCH ${"OR ".repeat(20_000)}ALL\r\n`,
      `a FETCH ${"1,".repeat(30_000)}1 FLAGS\r\n`,
      `a SEARCH ${"(".repeat(30_000)}\r\n`,
      `a ${"x".repeat(IMAP_MAX_LINE_BYTES * 2)}\r\n`,
      `a LOGIN ${'"'.repeat(60_000)}\r\n`,
    ];
    for (const input of cases) {
      const started = performance.now();
      parseEverything([Buffer.from(input)]);
      expect(performance.now() - started, input.slice(0, 30)).toBeLessThan(1000);
    }
  });
});
