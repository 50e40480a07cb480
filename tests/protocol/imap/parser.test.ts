// The pure parser: framing of lines and literals (RFC 9051 §4.3, RFC 7888,
// RFC 3516) and the argument grammars of the commands that have one.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../mail-daemons/imap/commands/registry.ts";
import { parseAppendArguments } from "../../../mail-daemons/imap/parser/append-arguments.ts";
import { CommandFramer } from "../../../mail-daemons/imap/parser/command-framer.ts";
import { parseFetchArguments } from "../../../mail-daemons/imap/parser/fetch-attributes.ts";
import { parseListArguments } from "../../../mail-daemons/imap/parser/list-arguments.ts";
import { decodeModifiedUtf7, encodeModifiedUtf7 } from "../../../mail-daemons/imap/parser/modified-utf7.ts";
import { ParseError } from "../../../mail-daemons/imap/parser/parse-error.ts";
import { parseSearchArguments } from "../../../mail-daemons/imap/parser/search-keys.ts";
import { parseSelectParameters } from "../../../mail-daemons/imap/parser/select-parameters.ts";
import { formatSequenceSet, parseSequenceSet, resolveRanges } from "../../../mail-daemons/imap/parser/sequence-set.ts";
import { parseStoreArguments } from "../../../mail-daemons/imap/parser/store-arguments.ts";
import { ACCEPT_ALL, argumentsOf, frameAll } from "./support/frame.ts";

describe("framing", () => {
  it("splits pipelined commands and accepts bare LF", () => {
    const events = frameAll("a1 NOOP\r\na2 CAPABILITY\n\r\na3 LOGOUT\r\n");
    expect(events.map((e) => e.kind)).toEqual(["command", "command", "command"]);
  });

  it("asks for a continuation for {n} but not for {n+} (RFC 7888)", () => {
    const events = frameAll("a1 LOGIN {5}\r\nalice {3+}\r\npw!\r\n");
    expect(events.map((e) => e.kind)).toEqual(["continue", "command"]);
    const command = events[1];
    if (command?.kind !== "command") throw new Error("no command");
    expect(command.command.literals.map((l) => l.bytes.toString())).toEqual(["alice", "pw!"]);
    expect(command.command.texts.map((t) => t.toString())).toEqual(["a1 LOGIN ", " ", ""]);
  });

  it("marks literal8 (~{n}, RFC 3516)", () => {
    const [event] = frameAll("a1 APPEND INBOX ~{3+}\r\na\0b\r\n");
    if (event?.kind !== "command") throw new Error("no command");
    expect(event.command.literals[0]?.binary).toBe(true);
  });

  it("waits for more bytes in the middle of a literal, across pushes", () => {
    const events = frameAll("a1 APPEND INBOX {10+}\r\n01234");
    expect(events).toEqual([]);
  });

  it("refuses a synchronising literal without reading it, and carries on", () => {
    const events = frameAll("a1 SELECT {5}\r\na2 NOOP\r\n", () => ({
      accept: false,
      status: "BAD",
      code: null,
      text: "no",
    }));
    expect(events).toEqual([
      { kind: "rejected", tag: "a1", status: "BAD", code: null, text: "no" },
      expect.objectContaining({ kind: "command" }),
    ]);
  });

  it("skips a refused non-synchronising literal and the rest of its command", () => {
    const refuse = () => ({ accept: false as const, status: "NO" as const, code: "TOOBIG", text: "too big" });
    const events = frameAll("a1 APPEND INBOX {4+}\r\nab\r\n {2+}\r\nxy SP\r\na2 NOOP\r\n", refuse);
    expect(events.map((e) => e.kind)).toEqual(["rejected", "command"]);
  });

  it("closes on a line too long or a literal size with too many digits", () => {
    expect(frameAll(`a1 ${"x".repeat(70_000)}\r\n`)).toEqual([
      { kind: "fatal", tag: "a1", text: "Command line too long" },
    ]);
    expect(frameAll("a1 LOGIN {99999999999999999999}\r\n")[0]).toMatchObject({ kind: "fatal", tag: "a1" });
  });

  it("gives raw lines for AUTHENTICATE and IDLE, bounded", () => {
    const framer = new CommandFramer(ACCEPT_ALL);
    framer.push(Buffer.from("a1 IDLE\r\nDONE\r\n"));
    expect(framer.next()).toMatchObject({ kind: "command" });
    expect(framer.nextLine(64)?.toString()).toBe("DONE");
    framer.push(Buffer.from("x".repeat(100)));
    expect(framer.nextLine(64)).toBe("too-long");
  });
});

describe("sequence sets (RFC 9051 §9)", () => {
  it("parses ranges, * and $", () => {
    const cursor = argumentsOf("a X 1:3,5,7:*");
    cursor.sp();
    expect(parseSequenceSet(cursor)).toEqual({
      kind: "ranges",
      ranges: [
        { from: 1, to: 3 },
        { from: 5, to: 5 },
        { from: 7, to: null },
      ],
    });
    const saved = argumentsOf("a X $");
    saved.sp();
    expect(parseSequenceSet(saved)).toEqual({ kind: "saved" });
  });

  it("resolves * to the largest and n:* to include it even above (RFC 9051 §6.4.8)", () => {
    expect(resolveRanges([{ from: 559, to: null }], 100)).toEqual([[100, 559]]);
    expect(
      resolveRanges(
        [
          { from: 4, to: 2 },
          { from: 3, to: 6 },
        ],
        10,
      ),
    ).toEqual([[2, 6]]);
    expect(formatSequenceSet([1, 2, 3, 5, 7, 8])).toBe("1:3,5,7:8");
  });

  it("rejects zero and garbage", () => {
    for (const bad of ["0", "1:0", "a", "1,,2", ""]) {
      const cursor = argumentsOf(`a X ${bad}`.trimEnd());
      expect(() => {
        cursor.sp();
        parseSequenceSet(cursor);
        cursor.expectEnd();
      }).toThrow(ParseError);
    }
  });
});

describe("FETCH arguments (RFC 9051 §6.4.5)", () => {
  const fetch = (line: string) => {
    const cursor = argumentsOf(line);
    cursor.sp();
    return parseFetchArguments(cursor);
  };

  it("expands the macros", () => {
    expect(fetch("a FETCH 1 ALL").items.map((i) => (i.kind === "simple" ? i.name : i.kind))).toEqual([
      "FLAGS",
      "INTERNALDATE",
      "RFC822.SIZE",
      "ENVELOPE",
    ]);
    expect(fetch("a FETCH 1 FULL").items).toHaveLength(5);
  });

  it("parses sections, partials, BINARY and modifiers", () => {
    const args = fetch(
      'a UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (From "To")]<0.2048> BODY[1.2.MIME] BODY[] BINARY[2]<5.10> BINARY.SIZE[1] RFC822.TEXT MODSEQ) (CHANGEDSINCE 12345 VANISHED)',
    );
    expect(args.items).toEqual([
      {
        kind: "body",
        peek: true,
        section: { part: [], text: "HEADER.FIELDS", fields: ["From", "To"] },
        partial: { offset: 0, length: 2048 },
      },
      { kind: "body", peek: false, section: { part: [1, 2], text: "MIME", fields: [] }, partial: null },
      { kind: "body", peek: false, section: { part: [], text: null, fields: [] }, partial: null },
      { kind: "binary", peek: false, part: [2], partial: { offset: 5, length: 10 } },
      { kind: "binary-size", part: [1] },
      { kind: "simple", name: "RFC822.TEXT" },
      { kind: "simple", name: "MODSEQ" },
    ]);
    expect(args.changedSince).toBe(12345);
    expect(args.vanished).toBe(true);
  });

  it("rejects unknown items, bad sections and VANISHED without CHANGEDSINCE", () => {
    for (const line of [
      "a FETCH 1 BOGUS",
      "a FETCH 1 BODY[MIME]",
      "a FETCH 1 BODY[1.]",
      "a FETCH 1 (FLAGS) (VANISHED)",
      "a FETCH 1 BODY[]<1>",
      "a FETCH 1 (FLAGS",
    ]) {
      expect(() => fetch(line), line).toThrow(ParseError);
    }
  });
});

describe("SEARCH arguments (RFC 9051 §6.4.4)", () => {
  const search = (line: string) => {
    const cursor = argumentsOf(line);
    cursor.sp();
    return parseSearchArguments(cursor);
  };

  it("parses every RFC 3501 key, nested OR/NOT and parentheses", () => {
    const keys =
      'ALL ANSWERED BCC x BEFORE 1-Feb-1994 BODY y CC z DELETED DRAFT FLAGGED FROM "a b" HEADER X-Foo bar KEYWORD $x LARGER 5 NEW NOT SEEN OLD ON 2-Mar-2000 OR SEEN (UNSEEN RECENT) RECENT SEEN SENTBEFORE 1-Jan-2000 SENTON 1-Jan-2000 SENTSINCE 1-Jan-2000 SINCE "1-Jan-2000" SMALLER 9 SUBJECT s TEXT t TO u UID 1:* UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD $y UNSEEN 1,2:4 MODSEQ "/flags/\\\\draft" all 620162338';
    const args = search(`a SEARCH ${keys}`);
    expect(args.key.type).toBe("and");
    if (args.key.type !== "and") return;
    expect(args.key.keys).toHaveLength(37);
    expect(args.key.keys).toContainEqual({ type: "date", field: "sent", relation: "on", date: "2000-01-01" });
    expect(args.key.keys).toContainEqual({ type: "header", field: "x-foo", value: "bar" });
    expect(args.key.keys).toContainEqual({ type: "modseq", modseq: 620162338 });
  });

  it("parses RETURN options and CHARSET", () => {
    const args = search("a UID SEARCH RETURN (MIN MAX SAVE) CHARSET UTF-8 TEXT {3+}\r\nabc");
    expect(args.returnOptions).toEqual(["MIN", "MAX", "SAVE"]);
    expect(args.key).toEqual({ type: "text", field: "text", value: "abc" });
  });

  it("answers an unknown charset with NO [BADCHARSET] (RFC 9051 §6.4.4)", () => {
    try {
      search("a SEARCH CHARSET KOI8-X TEXT a");
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: "NO", code: expect.stringMatching(/^BADCHARSET \(/) });
    }
  });

  it("bounds nesting depth", () => {
    expect(() => search(`a SEARCH ${"NOT ".repeat(500)}ALL`)).toThrow("Too deeply nested");
    expect(() => search(`a SEARCH ${"(".repeat(500)}ALL${")".repeat(500)}`)).toThrow("Too deeply nested");
  });
});

describe("other grammars", () => {
  it("STORE with UNCHANGEDSINCE (RFC 7162 §3.1.3)", () => {
    expect(
      parseStoreArguments(argumentsOf("a STORE 1:3 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted $Junk)")),
    ).toEqual({
      set: { kind: "ranges", ranges: [{ from: 1, to: 3 }] },
      unchangedSince: 320162338,
      mode: "add",
      silent: true,
      flags: ["\\Deleted", "$Junk"],
    });
    expect(parseStoreArguments(argumentsOf("a STORE 1 FLAGS \\seen \\SEEN foo")).flags).toEqual(["\\Seen", "foo"]);
  });

  it("SELECT (CONDSTORE) and (QRESYNC (...)) (RFC 7162 §3.2.5)", () => {
    const plain = argumentsOf("a SELECT x (CONDSTORE)");
    plain.sp();
    plain.astring();
    expect(parseSelectParameters(plain)).toEqual({ condstore: true, qresync: null });
    const cursor = argumentsOf("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:5 41:45)))");
    cursor.sp();
    cursor.astring();
    expect(parseSelectParameters(cursor)).toEqual({
      condstore: false,
      qresync: {
        uidValidity: 67890007,
        modseq: Number.MAX_SAFE_INTEGER,
        knownUids: {
          kind: "ranges",
          ranges: [
            { from: 41, to: 41 },
            { from: 43, to: 211 },
            { from: 214, to: 541 },
          ],
        },
        sequenceMatch: {
          sequences: { kind: "ranges", ranges: [{ from: 1, to: 5 }] },
          uids: { kind: "ranges", ranges: [{ from: 41, to: 45 }] },
        },
      },
    });
  });

  it("LIST-EXTENDED selection and return options (RFC 5258, RFC 5819)", () => {
    const args = parseListArguments(
      argumentsOf('a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" %/Sub*) RETURN (CHILDREN STATUS (MESSAGES UNSEEN))'),
      { utf8: false },
    );
    expect(args.selection).toEqual({ subscribed: true, recursiveMatch: true, specialUse: false });
    expect(args.patterns).toEqual(["INBOX", "%/Sub*"]);
    expect(args.returns.status).toEqual(["MESSAGES", "UNSEEN"]);
  });

  it("MULTIAPPEND with flags, dates and literal8 (RFC 3502, RFC 3516)", () => {
    const args = parseAppendArguments(
      argumentsOf('a APPEND "saved" (\\Seen) "17-Jul-1996 02:44:25 -0700" {3+}\r\nabc ~{2+}\r\nd\0'),
      { utf8: false },
    );
    expect(args.mailbox).toBe("saved");
    expect(args.messages).toEqual([
      { raw: Buffer.from("abc"), flags: ["\\Seen"], internalDate: new Date("1996-07-17T09:44:25Z") },
      { raw: Buffer.from("d\0"), flags: [], internalDate: null },
    ]);
  });

  it("refuses NUL in a plain literal (RFC 9051 §4.3)", () => {
    expect(() => parseAppendArguments(argumentsOf("a APPEND INBOX {2+}\r\nd\0"), { utf8: false })).toThrow(
      "NUL in literal",
    );
  });

  it("modified UTF-7 mailbox names round-trip (RFC 3501 §5.1.3)", () => {
    expect(decodeModifiedUtf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).toBe("~peter/mail/台北/日本語");
    expect(encodeModifiedUtf7("~peter/mail/台北/日本語")).toBe("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
    expect(encodeModifiedUtf7("A&B")).toBe("A&-B");
    expect(decodeModifiedUtf7("&Jjo!")).toBeNull();
  });

  it("every command declares its states", () => {
    for (const [name, command] of COMMANDS) {
      expect(command.states.length, name).toBeGreaterThan(0);
      expect(command.name).toBe(name);
    }
  });
});
