// The MIME parser (server/mime/) against random and MIME-shaped input:
//   - parseMessage() never throws and answers in bounded time, with a result
//     no bigger than a fixed multiple of its input, no U+0000 in any text,
//     the body hash of the bytes after the header, attachments numbered in
//     order and each one's bytes (extractAttachments) matching its checksum;
//   - the one-pass scan (mime-scan.ts) keeps every part inside the message
//     and within the depth and part limits;
//   - a message composed by nodemailer reads back with the same subject,
//     sender, text and attachment names and bytes;
//   - sanitised HTML (sanitize-html.ts) never holds a script, an event
//     handler, a javascript: URL or a remote load before the reader allows it.
// The seed corpus is tests/fuzz/corpus/mime/ and tests/fixtures/mail/.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { describe, expect, it } from "vitest";
import { MAX_MIME_DEPTH, MAX_MIME_PARTS, MAX_PARSE_MS } from "../../server/limits.ts";
import { extractAttachments } from "../../server/mime/extract-attachment.ts";
import { readStructure } from "../../server/mime/message-structure.ts";
import { type ParsedMessage, parseMessage } from "../../server/mime/parse-message.ts";
import { sanitizeHtml } from "../../server/mime/sanitize-html.ts";
import {
  asyncFuzzParameters,
  BOUNDED_MS,
  corpusFiles,
  corpusLines,
  fuzzParameters,
  resultSize,
} from "./support/fuzz.ts";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "mail");
const corpus = [
  ...corpusFiles("mime"),
  ...readdirSync(FIXTURES)
    .filter((file) => file.endsWith(".eml"))
    .sort()
    .map((file) => ({ file, bytes: readFileSync(path.join(FIXTURES, file)) })),
];

/** Per message: the parser's own time budget (MAX_PARSE_MS, after which it gives up), plus slack for a loaded machine. */
const PARSE_BUDGET_MS = MAX_PARSE_MS + BOUNDED_MS;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === "object") for (const item of Object.values(value)) strings(item, out);
  return out;
}

/** Everything parseMessage() promises about any input. */
async function checkMessage(raw: Buffer, { attachmentBytes = true } = {}): Promise<ParsedMessage> {
  const started = performance.now();
  const parsed = await parseMessage(raw);
  expect(performance.now() - started).toBeLessThan(PARSE_BUDGET_MS);

  const structure = readStructure(raw);
  expect(parsed.bodyHash).toBe(sha256(raw.subarray(structure.bodyStart)));
  expect(strings(parsed).some((text) => text.includes("\u0000"))).toBe(false);
  // Bounded memory: what a message turns into is never much bigger than the message.
  expect(resultSize(parsed)).toBeLessThanOrEqual(10 * raw.length + 64 * 1024);
  expect(parsed.snippet.length).toBeLessThanOrEqual(200);
  parsed.attachments.forEach((attachment, index) => {
    expect(attachment.index).toBe(index);
    expect(attachment.size).toBeGreaterThanOrEqual(0);
    expect(attachment.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  if (parsed.parseError !== null) expect(parsed.attachments).toEqual([]);

  // The scan keeps every part inside the message and within the limits.
  expect(structure.parts.length).toBeLessThanOrEqual(MAX_MIME_PARTS + 1);
  for (const part of structure.parts) {
    expect(part.depth).toBeLessThanOrEqual(MAX_MIME_DEPTH + 1);
    expect(0 <= part.headerStart && part.headerStart <= part.headerEnd).toBe(true);
    expect(part.headerEnd <= part.bodyStart && part.bodyStart <= raw.length).toBe(true);
    expect(part.bodyEnd >= part.bodyStart && part.bodyEnd <= raw.length).toBe(true);
  }
  expect(structure.headerEnd <= structure.bodyStart && structure.bodyStart <= raw.length).toBe(true);

  // A download gives the bytes the checksum describes.
  if (attachmentBytes && parsed.attachments.length > 0) {
    const found = await extractAttachments(
      raw,
      parsed.attachments.map((attachment) => attachment.index),
    );
    for (const attachment of parsed.attachments) {
      const extracted = found.get(attachment.index);
      expect(extracted, `attachment ${attachment.index}`).toBeTruthy();
      expect(sha256(extracted?.content ?? Buffer.alloc(0))).toBe(attachment.sha256);
      expect(extracted?.content.length).toBe(attachment.size);
    }
  }
  return parsed;
}

// ---------------------------------------------------------------- MIME-shaped generators

const CHARSETS = [
  "utf-8",
  "UTF-8",
  "iso-2022-jp",
  "shift_jis",
  "euc-jp",
  "iso-8859-1",
  "windows-1252",
  "gb2312",
  "koi8-r",
  "utf-7",
  "us-ascii",
  "x-unknown",
  "",
];
const ENCODINGS = ["7bit", "8bit", "binary", "base64", "quoted-printable", "x-uuencode", "bogus", ""];
const TYPES = [
  "text/plain",
  "text/html",
  "application/octet-stream",
  "image/png",
  "text/calendar",
  "application/ms-tnef",
];

const textBytes = fc.oneof(
  fc.string({ maxLength: 200, unit: "grapheme" }).map((text) => Buffer.from(text, "utf8")),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom(
    Buffer.from("=E3=81=82=\r\n=3D=00=ZZ=", "latin1"),
    Buffer.from("44GC44GE44GG\r\n!!!notbase64===", "latin1"),
    Buffer.from("\x1b$B$3$s$K$A$O\x1b(B", "latin1"),
    Buffer.from("<html><body><img src=http://remote.example/x.png><script>alert(1)</script></body></html>"),
    Buffer.from("begin 644 x.bin\r\n#86)C\r\n`\r\nend\r\n", "latin1"),
    Buffer.from(".\r\n..\r\n.\n", "latin1"),
  ),
);

const headerValue = fc.oneof(
  fc.string({ maxLength: 60, unit: "grapheme" }),
  fc.constantFrom(
    "=?UTF-8?B?5bGx55Sw?=",
    "=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=",
    "=?UTF-8?Q?=E3=81?= =?UTF-8?Q?=82?=",
    "=?x?q?broken",
    "=?UTF-8*ja?B?44GC?=",
    "\x00\x01\x7f",
    "a\r\n folded",
    "\u00e9\u00e8 raw latin1",
  ),
);

const extraHeader = fc.tuple(
  fc.constantFrom(
    "Subject",
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Date",
    "Message-ID",
    "References",
    "X-Junk",
    "Received",
    "Content-ID",
  ),
  headerValue,
);

type Entity = { headers: string[]; body: Buffer };

function leafEntity(): fc.Arbitrary<Entity> {
  return fc
    .record({
      type: fc.constantFrom(...TYPES),
      charset: fc.constantFrom(...CHARSETS),
      encoding: fc.constantFrom(...ENCODINGS),
      filename: fc.option(
        fc.oneof(
          fc.string({ maxLength: 30, unit: "grapheme" }).map((name) => `filename="${name}"`),
          fc.constantFrom(
            "filename*=UTF-8''%E5%B1%B1%E7%94%B0.pdf",
            "filename*0*=UTF-8''%E5%B1; filename*1*=%B1.txt",
            'filename="=?UTF-8?B?5bGx55Sw?=.txt"',
            'filename="../../etc/passwd"',
            'filename="a\\0b.exe"',
            'filename="CON"',
          ),
        ),
      ),
      body: textBytes,
      encode: fc.boolean(),
    })
    .map(({ type, charset, encoding, filename, body, encode }) => {
      const headers = [`Content-Type: ${type}${charset ? `; charset="${charset}"` : ""}`];
      if (encoding) headers.push(`Content-Transfer-Encoding: ${encoding}`);
      if (filename) headers.push(`Content-Disposition: attachment; ${filename}`);
      const encoded =
        encode && encoding === "base64" ? Buffer.from(body.toString("base64").replace(/.{76}/g, "$&\r\n")) : body;
      return { headers, body: encoded };
    });
}

const entity: fc.Arbitrary<Entity> = fc.letrec<{ entity: Entity }>((tie) => ({
  entity: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafEntity(),
    fc
      .record({
        subtype: fc.constantFrom("mixed", "alternative", "related", "report", "signed", "digest"),
        boundary: fc.oneof(
          fc.constantFrom("b1", "=_b", "----", "a b", ""),
          fc.string({ maxLength: 20, unit: "grapheme" }),
        ),
        parts: fc.array(tie("entity"), { maxLength: 4 }),
        close: fc.boolean(),
        preamble: fc.constantFrom("", "preamble\r\n", "--not-a-boundary\r\n"),
      })
      .map(({ subtype, boundary, parts, close, preamble }) => {
        const chunks: Buffer[] = [Buffer.from(preamble)];
        for (const part of parts)
          chunks.push(
            Buffer.from(`--${boundary}\r\n${part.headers.join("\r\n")}\r\n\r\n`),
            part.body,
            Buffer.from("\r\n"),
          );
        if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
        return {
          headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`],
          body: Buffer.concat(chunks),
        };
      }),
    tie("entity").map((inner) => ({
      headers: ["Content-Type: message/rfc822"],
      body: Buffer.concat([Buffer.from(`${inner.headers.join("\r\n")}\r\n\r\n`), inner.body]),
    })),
  ),
})).entity;

/** Ways mail is broken in transit: cut short, bytes flipped, CRLF turned into LF, a line dropped. */
const mutation = fc.oneof(
  fc.constant((raw: Buffer) => raw),
  fc.nat().map((at) => (raw: Buffer) => raw.subarray(0, at % (raw.length + 1))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => (raw: Buffer) => {
    if (raw.length === 0) return raw;
    const copy = Buffer.from(raw);
    copy[at % copy.length] = byte;
    return copy;
  }),
  fc.constant((raw: Buffer) => Buffer.from(raw.toString("latin1").replace(/\r\n/g, "\n"), "latin1")),
  fc.nat().map((n) => (raw: Buffer) => {
    const lines = raw.toString("latin1").split("\r\n");
    lines.splice(n % (lines.length || 1), 1);
    return Buffer.from(lines.join("\r\n"), "latin1");
  }),
);

const message = fc
  .tuple(fc.array(extraHeader, { maxLength: 6 }), entity, mutation)
  .map(([extra, top, mutate]) =>
    mutate(
      Buffer.concat([
        Buffer.from(
          `${["MIME-Version: 1.0", ...extra.map(([name, value]) => `${name}: ${value}`), ...top.headers].join("\r\n")}\r\n\r\n`,
          "utf8",
        ),
        top.body,
      ]),
    ),
  );

// ---------------------------------------------------------------- composed messages

type Composed = {
  subject: string;
  fromName: string;
  text: string;
  attachments: { filename: string; content: Buffer }[];
};

function compose(mail: Composed): Promise<Buffer> {
  return new MailComposer({
    from: { name: mail.fromName, address: "sender@example.net" },
    to: "support@yubin.test",
    subject: mail.subject,
    text: mail.text,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content })),
  })
    .compile()
    .build();
}

// Header text is kept in the Basic Multilingual Plane: nodemailer 7.0.13's
// encoded-word splitter cuts a surrogate pair in two when a word boundary
// falls inside one, and writes U+FFFD for each half ("ₗ𝅘𝅥𝅯" in a long
// Subject), so an astral character can be lost when the message is composed,
// before any parser sees it. Bodies (base64 of the whole text) keep them.
const bmpChar = fc
  .integer({ min: 0x21, max: 0xfffd })
  .filter((code) => code < 0xd800 || code > 0xdfff)
  .map((code) => String.fromCharCode(code));
const headerWord = fc
  .array(bmpChar, { minLength: 1, maxLength: 12 })
  .map((chars) => chars.join(""))
  .filter((w) => !/\s/.test(w));
const headerPhrase = fc.array(headerWord, { minLength: 1, maxLength: 8 }).map((words) => words.join(" "));
const word = fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }).filter((w) => !/\s/.test(w));
const phrase = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(" "));

const composed: fc.Arbitrary<Composed> = fc.record({
  subject: headerPhrase,
  fromName: headerPhrase,
  text: fc.array(fc.oneof(phrase, fc.constant("")), { minLength: 1, maxLength: 6 }).map((lines) => lines.join("\n")),
  attachments: fc.array(
    fc.record({
      filename: headerPhrase.map((name) => `${name.replace(/[\\/]/g, "_")}.bin`),
      content: fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
    }),
    { maxLength: 3 },
  ),
});

// ---------------------------------------------------------------- hostile HTML

const HTML_PIECES = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  "<img src=http://remote.example/a.png>",
  "<img src='//remote.example/a.png'>",
  "<img src=&#104;ttp://remote.example/a.png>",
  "<img src=cid:part1@x>",
  "<img src=data:image/png;base64,AAAA>",
  "<img src=x onerror=alert(1)>",
  "<a href=javascript:alert(1)>x</a>",
  "<a href=jav&#x09;ascript:alert(1)>x</a>",
  "<a href=https://example.com>ok</a>",
  '<div style="background:url(http://remote.example/b.png)">',
  "<div style=\"background-image:image-set('//remote.example/c.png' 1x)\">",
  '<p style="behavior:url(x.htc);color:red">',
  "<style>@import 'http://remote.example/s.css';</style>",
  "<link rel=stylesheet href=http://remote.example/s.css>",
  "<iframe src=http://remote.example/></iframe>",
  "<object data=http://remote.example/o></object>",
  "<svg><image href=http://remote.example/i.png /></svg>",
  "<video poster=http://remote.example/p.png></video>",
  "<table background=http://remote.example/t.png><tr><td>x</td></tr></table>",
  "<body onload=alert(1)>",
  "<base href=http://remote.example/>",
  "<meta http-equiv=refresh content='0;url=http://remote.example/'>",
  "<form action=http://remote.example/><input name=x></form>",
  "<!--",
  "-->",
  "<![CDATA[",
  "<",
  ">",
  '"',
  "'",
  "=",
  " ",
  "text",
  "日本語",
];

const hostileHtml = fc.oneof(
  fc.array(fc.constantFrom(...HTML_PIECES), { maxLength: 20 }).map((pieces) => pieces.join("")),
  fc.string({ maxLength: 300 }),
);

const TAG = /<\s*([a-z0-9]+)([^>]*)>/gi;
const ATTRIBUTE = /([^\s"'=/]+)\s*=\s*"([^"]*)"/g;

/** What a browser could load or run from sanitised HTML, as the attributes say it. */
function checkInert(html: string, remoteAllowed: boolean): void {
  for (const [, tag, attributes] of html.matchAll(TAG)) {
    expect([
      "script",
      "style",
      "iframe",
      "object",
      "embed",
      "link",
      "meta",
      "base",
      "svg",
      "form",
      "body",
    ]).not.toContain((tag as string).toLowerCase());
    for (const [, name, rawValue] of (attributes as string).matchAll(ATTRIBUTE)) {
      const attribute = (name as string).toLowerCase();
      const value = (rawValue as string)
        .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
        .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
        .replace(/&amp;/g, "&")
        // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
        .replace(/[\s\u0000-\u001f]/g, "")
        .toLowerCase();
      expect(attribute.startsWith("on"), `${tag} ${attribute}`).toBe(false);
      expect(value.startsWith("javascript:") || value.startsWith("vbscript:"), `${tag} ${attribute}=${value}`).toBe(
        false,
      );
      if (!remoteAllowed && (attribute === "src" || attribute === "background" || attribute === "poster")) {
        expect(/^(https?:)?\/\//.test(value), `${tag} ${attribute}=${value}`).toBe(false);
      }
      if (!remoteAllowed && attribute === "style") expect(value, `${tag} style`).not.toMatch(/url\(|image-set|@import/);
      if (attribute === "style") expect(value).not.toMatch(/behavior|expression\(|-moz-binding/);
    }
  }
}

// ---------------------------------------------------------------- the properties

describe("MIME parser fuzzing", () => {
  it("replays the seed corpus (tests/fuzz/corpus/mime/, tests/fixtures/mail/)", async () => {
    expect(corpus.length).toBeGreaterThan(30);
    for (const { file, bytes } of corpus) {
      try {
        await checkMessage(bytes);
      } catch (error) {
        throw new Error(`corpus file ${file}: ${String(error)}`);
      }
    }
  });

  it("random bytes: answered in bounded time, no throw, bounded result", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        await checkMessage(Buffer.from(bytes));
      }),
      asyncFuzzParameters(100),
    );
  });

  it("MIME-shaped messages, intact and broken: every promise of parseMessage holds", async () => {
    await fc.assert(
      fc.asyncProperty(message, async (raw) => {
        await checkMessage(raw);
      }),
      asyncFuzzParameters(
        200,
        corpus.map(({ bytes }) => [bytes]),
      ),
    );
  });

  it("a message composed by nodemailer reads back: subject, sender, text, attachment names and bytes", async () => {
    await fc.assert(
      fc.asyncProperty(composed, async (mail) => {
        const raw = await compose(mail);
        const parsed = await checkMessage(raw);
        expect(parsed.parseError).toBeNull();
        expect(parsed.subject).toBe(mail.subject);
        expect(parsed.fromName).toBe(mail.fromName);
        expect(parsed.fromAddress).toBe("sender@example.net");
        expect((parsed.textBody ?? "").replace(/\r\n/g, "\n").replace(/\n$/, "")).toBe(mail.text.replace(/\n$/, ""));
        expect(parsed.attachments.map((a) => a.filename)).toEqual(mail.attachments.map((a) => a.filename));
        expect(parsed.attachments.map((a) => a.sha256)).toEqual(mail.attachments.map((a) => sha256(a.content)));
      }),
      asyncFuzzParameters(100),
    );
  });

  it("sanitised HTML holds no script, event handler, javascript: URL, or remote load before it is allowed", () => {
    const htmlCorpus = corpusLines("mime", "hostile-html.txt");
    const check = (html: string) => {
      const started = performance.now();
      const blocked = sanitizeHtml(html, {
        allowRemoteImages: false,
        cidUrl: (id) => `/attachments/${encodeURIComponent(id)}`,
      });
      const allowed = sanitizeHtml(html, { allowRemoteImages: true, cidUrl: () => null });
      expect(performance.now() - started).toBeLessThan(BOUNDED_MS);
      checkInert(blocked.html, false);
      checkInert(allowed.html, true);
    };
    for (const html of htmlCorpus) check(html);
    fc.assert(
      fc.property(hostileHtml, check),
      fuzzParameters(
        600,
        htmlCorpus.map((html) => [html]),
      ),
    );
  });
});
