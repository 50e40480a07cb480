import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../../mail-daemons/pop3/command-table.ts";
import { LineReader } from "../../../mail-daemons/pop3/line-reader.ts";
import { type ParsedLine, parseCommandLine } from "../../../mail-daemons/pop3/parse-command.ts";

function parse(text: string | Buffer): ParsedLine {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return parseCommandLine({ kind: "line", bytes, octets: bytes.length + 2 }, COMMANDS);
}

function command(text: string) {
  const parsed = parse(text);
  if (parsed.kind !== "command") throw new Error(`not a command: ${JSON.stringify(parsed)}`);
  return { name: parsed.command.name, args: parsed.command.args, states: parsed.command.states };
}

describe("POP3 command parser", () => {
  it("reads keywords case-insensitively (RFC 1939 §3)", () => {
    expect(command("stat")).toMatchObject({ name: "STAT", args: undefined });
    expect(command("Retr 3")).toMatchObject({ name: "RETR", args: { message: 3 } });
  });

  it("parses each command's arguments into typed values", () => {
    expect(command("LIST")).toMatchObject({ args: { message: null } });
    expect(command("LIST 12")).toMatchObject({ args: { message: 12 } });
    expect(command("UIDL 1")).toMatchObject({ args: { message: 1 } });
    expect(command("TOP 2 0")).toMatchObject({ name: "TOP", args: { message: 2, lines: 0 } });
    expect(command("DELE 7")).toMatchObject({ args: { message: 7 } });
    expect(command("USER alice@example.com")).toMatchObject({ args: { name: "alice@example.com" } });
    expect(command("AUTH plain dGVzdA==")).toMatchObject({ args: { mechanism: "PLAIN", initialResponse: "dGVzdA==" } });
    expect(command("AUTH PLAIN")).toMatchObject({ args: { mechanism: "PLAIN", initialResponse: null } });
    expect(command("AUTH")).toMatchObject({ args: { mechanism: null } });
  });

  it("keeps spaces inside the PASS argument (RFC 1939 §7)", () => {
    expect(command("PASS  two  spaces ")).toMatchObject({ args: { password: " two  spaces " } });
  });

  it("reads 8-bit arguments as UTF-8", () => {
    expect(command("PASS パスワード")).toMatchObject({ args: { password: "パスワード" } });
  });

  it("declares the states each command is valid in", () => {
    expect(command("USER a").states).toEqual(["AUTHORIZATION"]);
    expect(command("STLS").states).toEqual(["AUTHORIZATION"]);
    expect(command("RETR 1").states).toEqual(["TRANSACTION"]);
    expect(command("NOOP").states).toEqual(["TRANSACTION"]);
    expect(command("CAPA").states).toEqual(["AUTHORIZATION", "TRANSACTION"]);
    expect(command("QUIT").states).toEqual(["AUTHORIZATION", "TRANSACTION"]);
  });

  it("tolerates a trailing space after a command without arguments", () => {
    expect(command("STAT ")).toMatchObject({ name: "STAT" });
  });

  it("refuses bad arguments, naming the command and its states", () => {
    for (const line of ["RETR", "RETR 0", "RETR -1", "RETR 1 2", "RETR x", "RETR 12345678901", "TOP 1", "TOP 1 -1"]) {
      expect(parse(line), line).toMatchObject({ kind: "bad-arguments", states: ["TRANSACTION"] });
    }
    expect(parse("STAT 1")).toMatchObject({ kind: "bad-arguments", name: "STAT" });
    expect(parse("USER")).toMatchObject({ kind: "bad-arguments", name: "USER" });
    expect(parse("PASS")).toMatchObject({ kind: "bad-arguments", name: "PASS" });
    expect(parse("AUTH PLAIN a b")).toMatchObject({ kind: "bad-arguments", name: "AUTH" });
  });

  it("does not know APOP, LAST or anything else", () => {
    expect(parse("APOP mrose c4c9334bac560ecc979e58001b3e22fb")).toEqual({ kind: "unknown", keyword: "APOP" });
    expect(parse("LAST")).toMatchObject({ kind: "unknown" });
    expect(parse("")).toMatchObject({ kind: "unknown" });
    expect(parse(Buffer.from([0x00, 0x1b, 0x41]))).toEqual({ kind: "unknown", keyword: "??A" });
  });

  it("refuses a line over 255 octets including CRLF (RFC 2449 §4)", () => {
    const fits = `USER ${"a".repeat(248)}`;
    expect(fits.length + 2).toBe(255);
    expect(parse(fits).kind).toBe("command");
    expect(parse(`${fits}a`)).toEqual({ kind: "too-long" });
    expect(parseCommandLine({ kind: "too-long" }, COMMANDS)).toEqual({ kind: "too-long" });
  });
});

describe("POP3 line reader", () => {
  it("splits on CRLF and on bare LF, across chunks", () => {
    const reader = new LineReader(100);
    const lines = [
      ...reader.push(Buffer.from("STAT\r\nLI")),
      ...reader.push(Buffer.from("ST\nNOOP\r")),
      ...reader.push(Buffer.from("\n")),
    ];
    expect(lines.map((line) => (line.kind === "line" ? [line.bytes.toString(), line.octets] : line.kind))).toEqual([
      ["STAT", 6],
      ["LIST", 5],
      ["NOOP", 6],
    ]);
  });

  it("reports a long line once and discards the rest of it without buffering", () => {
    const reader = new LineReader(10);
    const first = reader.push(Buffer.from("X".repeat(11)));
    expect(first).toEqual([{ kind: "too-long" }]);
    expect(reader.push(Buffer.from("Y".repeat(100_000)))).toEqual([]);
    const after = reader.push(Buffer.from("ZZ\r\nSTAT\r\n"));
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ kind: "line", octets: 6 });
  });

  it("forgets a partial line on reset (STLS)", () => {
    const reader = new LineReader(100);
    reader.push(Buffer.from("USER evil"));
    reader.reset();
    expect(reader.push(Buffer.from("CAPA\r\n"))).toMatchObject([{ kind: "line", octets: 6 }]);
  });
});
