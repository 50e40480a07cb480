// SMTP command handling against random input:
//   - the RCPT TO path policy (address-policy.ts) and the parse it sits
//     behind (smtp-server's address parser, wrapped by raw-forward-path.ts):
//     every line gets a verdict, relay tricks never an "ok", an accepted
//     address is accepted again as it is;
//   - the DATA collector (message-collector.ts): however a message is cut
//     into TCP chunks, it is stored with CRLF line endings and nothing else
//     changed, refused exactly when it holds a shape SMTP smuggling needs,
//     and never held past the size limit;
//   - one property over a socket: random command lines against a started MX
//     (mx-server.ts over an in-memory backend) are each answered with a
//     well-formed reply, and the process never sees an uncaught error.
import { Readable } from "node:stream";
import fc from "fast-check";
import { SMTPConnection } from "smtp-server/lib/smtp-connection.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTlsCredentials } from "../../mail-daemons/shared/tls.ts";
import { checkForwardPath, type PathVerdict } from "../../mail-daemons/smtp/address-policy.ts";
import { collectMessage, hasBareLineEnding, withCrlfLineEndings } from "../../mail-daemons/smtp/message-collector.ts";
import type {
  DeliveryInput,
  DeliveryOutcome,
  MxBackend,
  RecipientVerdict,
} from "../../mail-daemons/smtp/mx-backend.ts";
import { type MxServer, startMxServer } from "../../mail-daemons/smtp/mx-server.ts";
import { keepRawForwardPath, rawForwardPath } from "../../mail-daemons/smtp/raw-forward-path.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { scratchDir } from "../support/yubin-process.ts";
import { asyncFuzzParameters, BOUNDED_MS, corpusLines, fuzzParameters } from "./support/fuzz.ts";

const pathCorpus = corpusLines("smtp", "rcpt-paths.txt");
const lineCorpus = corpusLines("smtp", "command-lines.txt");
const dataCorpus = corpusLines("smtp", "data-bodies.txt");

// ---------------------------------------------------------------- RCPT TO paths

const PATH_PIECES = [
  "user",
  "support",
  "postmaster",
  "Postmaster",
  "@",
  "@relay.example:",
  "@a,@b:",
  "%",
  "!",
  '"',
  '\\"',
  "\\",
  ".",
  "..",
  "yubin.test",
  "example.com",
  "[127.0.0.1]",
  "[IPv6:::1]",
  "[999.1.1.1]",
  "xn--r8jz45g",
  "例え",
  "-",
  " ",
  "\t",
  "\u0000",
  "\u007f",
  "\u200b",
  "<",
  ">",
  ":",
  ",",
  "a".repeat(65),
  "b".repeat(70),
];

const pathSoup = fc.array(fc.constantFrom(...PATH_PIECES), { maxLength: 12 }).map((pieces) => pieces.join(""));
const anyPath = fc.oneof(pathSoup, fc.string({ maxLength: 80, unit: "grapheme" }), fc.string({ maxLength: 300 }));

function checkVerdict(verdict: PathVerdict): void {
  if (verdict.ok) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    expect(verdict.address).not.toMatch(/[\u0000-\u001f\u007f]/);
    if (verdict.address !== "postmaster") expect(verdict.address).toContain("@");
    return;
  }
  expect([
    [501, "5.1.3"],
    [554, "5.7.1"],
  ]).toContainEqual([verdict.code, verdict.enhanced]);
  expect(verdict.message.length).toBeGreaterThan(0);
}

/** What the policy must refuse as relaying, read independently of it. */
function asksToRelay(path: string): boolean {
  if (/^@[^:]*:/.test(path)) return true;
  if (path.startsWith('"')) {
    const close = path.search(/(?<!\\)"@/);
    return close > 0 && /[@%!]/.test(path.slice(1, close).replace(/\\(.)/g, "$1"));
  }
  const at = path.lastIndexOf("@");
  return /[@%!]/.test(at < 0 ? path : path.slice(0, at));
}

function checkPath(path: string): void {
  const verdict = checkForwardPath(path);
  checkVerdict(verdict);
  if (asksToRelay(path) && verdict.ok) throw new Error(`accepted a relay path: ${JSON.stringify(path)}`);
  // An accepted address is accepted again as the same address (it goes into logs, traces and lookups).
  if (verdict.ok) expect(checkForwardPath(verdict.address)).toEqual(verdict);
}

/** smtp-server's own address parser, wrapped as the MX wraps it on every connection. */
function rcptParser() {
  const connection = {
    _server: { options: {}, logger: { error() {}, info() {}, debug() {} } },
    session: {},
    id: "fuzz",
    _parseAddressCommand: (SMTPConnection.prototype as unknown as { _parseAddressCommand: unknown })
      ._parseAddressCommand,
  } as unknown as Parameters<typeof keepRawForwardPath>[0];
  connection._parseAddressCommand = connection._parseAddressCommand.bind(connection);
  keepRawForwardPath(connection);
  return (line: string) => connection._parseAddressCommand("rcpt to", line);
}

describe("RCPT TO paths (address-policy.ts, raw-forward-path.ts)", () => {
  it("replays the seed corpus", () => {
    expect(pathCorpus.length).toBeGreaterThan(20);
    for (const path of pathCorpus) checkPath(path);
  });

  it("every path gets a verdict, relay tricks are never accepted, an accepted address stays accepted", () => {
    fc.assert(
      fc.property(anyPath, checkPath),
      fuzzParameters(
        3000,
        pathCorpus.map((path) => [path]),
      ),
    );
  });

  it("a RCPT TO line goes through smtp-server's parser and the policy without a throw; source routes are refused", () => {
    const parse = rcptParser();
    const args = fc.constantFrom("", " NOTIFY=SUCCESS", " ORCPT=rfc822;a+40b", " X=+0D+0A", " =", " A=B=C", "  ");
    const line = fc
      .tuple(fc.constantFrom("RCPT TO:", "rcpt to:", "RCPT TO: ", "RCPT  TO:", "RCPT TO"), anyPath, args, fc.boolean())
      .map(([verb, path, arg, bracket]) => (bracket ? `${verb}<${path}>${arg}` : `${verb}${path}${arg}`));
    fc.assert(
      fc.property(line, (command) => {
        const started = performance.now();
        const parsed = parse(command);
        if (parsed) {
          const raw = rawForwardPath(parsed) ?? parsed.address;
          const verdict = checkForwardPath(raw);
          checkVerdict(verdict);
          // smtp-server strips a source route itself; the raw path still shows it, and it is
          // refused (554 5.7.1, or 501 5.1.3 when it is also malformed).
          if (/^\s*RCPT TO:\s*<@[^<>:]*:[^<>]*>/i.test(command)) expect(verdict.ok, command).toBe(false);
        }
        expect(performance.now() - started).toBeLessThan(BOUNDED_MS);
      }),
      fuzzParameters(2000),
    );
  });
});

// ---------------------------------------------------------------- DATA

const BODY_PIECES = [
  "a",
  "line",
  ".",
  "..",
  "\r\n",
  "\n",
  "\r",
  "\r\r\n",
  "\n.\n",
  "\r\n.\r\n",
  "\n.\r\n",
  "\r\n.\n",
  " ",
  "=",
  "\u00e9",
];
const body = fc.oneof(
  fc.array(fc.constantFrom(...BODY_PIECES), { maxLength: 60 }).map((pieces) => Buffer.from(pieces.join(""), "utf8")),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
);

/** Cut points into a buffer: how TCP may deliver it. */
const cuts = fc.array(fc.nat(), { maxLength: 8 });
function chunked(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((n) => (bytes.length ? n % bytes.length : 0)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  chunks.push(bytes.subarray(start));
  return chunks.filter((chunk) => chunk.length > 0);
}

/** The smuggling rules of message-collector.ts, written again from its comment. */
function smugglingShape(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) return true;
  const lines = bytes.toString("latin1").split("\n");
  // lines[i] ends with the LF after it (none for the last); bare when it does not end in CR.
  const bareEnd = (i: number) => i < lines.length - 1 && !(lines[i] as string).endsWith("\r");
  for (let i = 0; i < lines.length - 1; i++) {
    const content = (lines[i] as string).replace(/\r$/, "");
    if (content === "." && (bareEnd(i) || (i > 0 && bareEnd(i - 1)))) return true;
  }
  return false;
}

const withoutCr = (bytes: Buffer) => bytes.toString("latin1").replace(/\r/g, "");

describe("DATA line endings and smuggling (message-collector.ts)", () => {
  const check = async (bytes: Buffer, at: number[], maxBytes: number) => {
    const chunks = chunked(bytes, at);
    // The chunk-wise detector agrees with the whole-message rules, wherever the cuts fall.
    let bare = false;
    let afterCr = false;
    for (const chunk of chunks) {
      bare ||= hasBareLineEnding(chunk, afterCr);
      afterCr = chunk[chunk.length - 1] === 0x0d;
    }
    const text = bytes.toString("latin1");
    expect(bare || afterCr).toBe(/(^|[^\r])\n/.test(text) || /\r(?!\n)/.test(text));

    const collected = await collectMessage(Readable.from(chunks), maxBytes);
    if (bytes.length > maxBytes) {
      expect(collected.kind).toBe("too-big");
      if (collected.kind === "too-big") {
        expect(collected.size).toBe(bytes.length);
        expect(collected.head.length).toBeLessThanOrEqual(bytes.length);
      }
      return;
    }
    const normalized = withCrlfLineEndings(bytes);
    expect(normalized === null).toBe(smugglingShape(bytes));
    if (collected.kind === "smuggling") {
      expect(normalized).toBeNull();
      expect(collected.raw.equals(bytes)).toBe(true);
      return;
    }
    expect(collected.kind).toBe("ok");
    if (collected.kind !== "ok") return;
    // CRLF only, and nothing but line endings changed.
    expect(/(^|[^\r])\n|\r(?!\n)/.test(collected.raw.toString("latin1"))).toBe(false);
    expect(withoutCr(collected.raw)).toBe(withoutCr(bytes));
    // Settled once, settled for good.
    expect(withCrlfLineEndings(collected.raw)?.equals(collected.raw)).toBe(true);
  };

  it("replays the seed corpus", async () => {
    for (const text of dataCorpus) {
      const bytes = Buffer.from(text, "latin1");
      await check(bytes, [1, 2, 3, 5, 8, 13], 1 << 20);
      await check(bytes, [], 1 << 20);
    }
  });

  it("however it is chunked: CRLF endings, nothing else changed, refused exactly for smuggling shapes, bounded", async () => {
    await fc.assert(
      fc.asyncProperty(body, cuts, fc.oneof(fc.constant(1 << 20), fc.integer({ min: 0, max: 400 })), check),
      asyncFuzzParameters(
        2000,
        dataCorpus.map((text) => [Buffer.from(text, "latin1"), [1, 2, 3], 1 << 20] as [Buffer, number[], number]),
      ),
    );
  });
});

// ---------------------------------------------------------------- over a socket

const HOSTNAME = "mx.yubin.test";

/** Local domain yubin.test with support@ only; stores nothing. */
class CountingBackend implements MxBackend {
  delivered = 0;
  async checkRecipient(address: string): Promise<RecipientVerdict> {
    if (address.toLowerCase() === "support@yubin.test" || address === "postmaster")
      return { ok: true, mailboxIds: [1] };
    if (!address.toLowerCase().endsWith("@yubin.test"))
      return { ok: false, code: 554, enhanced: "5.7.1", message: "Relay access denied" };
    return { ok: false, code: 550, enhanced: "5.1.1", message: "No such user here" };
  }
  async deliver(input: DeliveryInput): Promise<DeliveryOutcome> {
    this.delivered += 1;
    return { recipients: input.recipients.map((r) => ({ address: r.address, ok: true as const })) };
  }
}

const noDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};

const VERBS = [
  "HELO",
  "EHLO",
  "MAIL FROM:",
  "RCPT TO:",
  "DATA",
  "RSET",
  "NOOP",
  "VRFY",
  "EXPN",
  "HELP",
  "AUTH PLAIN",
  "BDAT 10",
  "XCLIENT",
  "mail from:",
  "Rcpt To:",
  "QUIT",
  "",
];
const ARGS = [
  "",
  " ",
  " client.example",
  "<>",
  "<alice@example.net>",
  "<support@yubin.test>",
  "<Postmaster>",
  "<@relay.example:support@yubin.test>",
  "<support%other@yubin.test>",
  "<a@b@yubin.test>",
  "<support@yubin.test> SIZE=100",
  "<alice@example.net> SIZE=99999999999",
  "<alice@example.net> BODY=8BITMIME SMTPUTF8",
  "<alice@example.net> ENVID=a+0D+0Ab",
  "<unterminated",
  "<<>>",
  "AGFsaWNlAHNlY3JldA==",
  "*",
  "\u0000",
  "\u00ff\u00fe",
  "日本語",
  "x".repeat(600),
];

/** A command line without CR or LF (those end a line). */
const commandLine = fc.oneof(
  fc.tuple(fc.constantFrom(...VERBS), fc.constantFrom(...ARGS)).map(([verb, arg]) => `${verb}${arg}`),
  fc.string({ maxLength: 120, unit: "binary" }).map((text) => text.replace(/[\r\n]/g, " ")),
  fc.constantFrom(...lineCorpus),
);
const bodyLines = fc.array(fc.constantFrom("Subject: fuzz", "", "text", ".x", "..", "\u00e9"), { maxLength: 5 });

const REPLY = /^[2-5]\d\d(?:[ -].*)?$/;

describe("random command lines against a started MX (mx-server.ts)", () => {
  let mx: MxServer;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    process.on("uncaughtException", onUncaught);
    process.on("unhandledRejection", onUncaught);
    const dataDir = scratchDir("yubin-fuzz-mx-");
    mx = await startMxServer({
      port: 0,
      host: "127.0.0.1",
      hostname: HOSTNAME,
      tls: await loadTlsCredentials({ dataDir, hostname: HOSTNAME }),
      backend: new CountingBackend(),
      dnsResolver: noDns,
      log: () => {},
    });
  });

  afterAll(async () => {
    await mx?.close();
    process.off("uncaughtException", onUncaught);
    process.off("unhandledRejection", onUncaught);
  });

  it("answers every line with a well-formed reply; the process never crashes; the MX still serves afterwards", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(commandLine, bodyLines), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (session, open) => {
          const { client, greeting } = await SmtpClient.connect(mx.port);
          // Half the sessions start a valid transaction first, so that random lines also land inside one and in DATA.
          const opening: [string, string[]][] = open
            ? [
                ["EHLO fuzz.example", []],
                ["MAIL FROM:<alice@example.net>", []],
                ["RCPT TO:<support@yubin.test>", []],
              ]
            : [];
          try {
            expect(greeting.last).toMatch(/^220 /);
            for (const [line, lines] of [...opening, ...session]) {
              if (/^STARTTLS/i.test(line)) continue;
              const reply = await client.send(line);
              for (const text of reply.lines) expect(text, `reply to ${JSON.stringify(line)}`).toMatch(REPLY);
              if (reply.code === 354) {
                // In DATA: a body, then the only end of DATA there is.
                client.write(`${lines.join("\r\n")}\r\n.\r\n`);
                const end = await client.reply();
                expect(end.last).toMatch(REPLY);
              }
              if (reply.code === 221 || reply.code === 421) break;
            }
          } finally {
            client.close();
          }
        },
      ),
      asyncFuzzParameters(
        60,
        lineCorpus.map((line) => [[[line, ["x"]]], true] as [[string, string[]][], boolean]),
      ),
    );
    expect(uncaught).toEqual([]);
    // Still serving: a clean transaction after the storm.
    const { client } = await SmtpClient.connect(mx.port);
    try {
      expect((await client.send("EHLO after.example")).code).toBe(250);
      expect((await client.send("MAIL FROM:<alice@example.net>")).code).toBe(250);
      expect((await client.send("RCPT TO:<support@yubin.test>")).code).toBe(250);
      expect((await client.send("DATA")).code).toBe(354);
      client.write("Subject: after\r\n\r\nstill here\r\n.\r\n");
      expect((await client.reply()).code).toBe(250);
    } finally {
      client.close();
    }
  });
});
