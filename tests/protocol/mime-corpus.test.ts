// The MIME corpus (issue 17): a few hundred varied messages — every charset
// and transfer encoding, encoded words and RFC 2231 names, reports, S/MIME,
// invites, TNEF, broken structures, bare LF, huge and tiny — delivered through
// the MX of a started Yubin, then what Yubin stored compared with an
// independent decoding of the same bytes by Python's email package
// (tests/support/python-mime-oracle.py): subject, sender, every text part and
// every attachment's name. No mojibake, no lost text, no crash.
//
// Where Yubin and Python legitimately differ, the rule is written out below
// (each `RULE:`), never skipped wholesale.

import { isUtf8 } from "node:buffer";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import iconv from "iconv-lite";
import { ImapFlow, type MessageStructureObject } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../server/db.ts";
import { type CorpusMessage, mimeCorpus } from "../fixtures/mime-corpus.ts";
import { type DnsServer, startDnsServer } from "../support/dns-server.ts";
import { startMailApp } from "../support/mail-app.ts";
import { SmtpClient } from "../support/smtp-client.ts";
import { freePort, scratchDir, type YubinProcess } from "../support/yubin-process.ts";

const ADMIN = { email: "admin@example.com", password: "mime-corpus-password" };
const SESSIONS = 16;
// The parsers' fixtures, and hand-written shapes a generator would not write
// (Apple Mail's flowed text, an mbox "From " line, PGP/MIME, an inline forward,
// a base64 message/rfc822, Outlook's TNEF, an unknown-8bit label, odd folding).
const FIXTURE_DIRS = [
  { prefix: "fixture-", dir: new URL("../fixtures/mail/", import.meta.url) },
  { prefix: "hand-", dir: new URL("../fixtures/mail-corpus/", import.meta.url) },
];
const ORACLE = new URL("../support/python-mime-oracle.py", import.meta.url).pathname;

type OracleLeaf = {
  type: string;
  charset?: string | null;
  disposition: string | null;
  filename: string | null | { error: string };
  boundary?: string | null;
  insideMessage: boolean;
  inlineMessage?: boolean;
  text: string | null | { error: string };
};
type OracleResult =
  | {
      subject: string | null | { error: string };
      from: { address: string; name: string } | { error: string } | null;
      contentType: string;
      parts: OracleLeaf[];
    }
  | { error: string };

type Stored = {
  subject: string;
  fromAddress: string;
  fromName: string;
  textBody: string | null;
  htmlBody: string | null;
  attachments: { filename: string | null; contentType: string }[];
  parseError: string | null;
  malformed: string | null;
};

let yubin: YubinProcess;
let dns: DnsServer;
let smtpPort = 0;
let imapsPort = 0;
const corpus: CorpusMessage[] = [];
const sent = new Map<string, string>();
const oracle = new Map<string, OracleResult>();
const stored = new Map<string, Stored>();

// Messages whose structure IMAP is asked about too; delivered to the admin's own INBOX.
const IMAP_SAMPLE = [
  "iso-2022-jp-7bit-nested",
  "koi8-r-quoted-printable-mixed",
  "shift-jis-base64-mixed",
  "utf-8-8bit-nested",
  "tnef-1",
  "invite-4",
  "smime-signed-1",
  "dsn-1",
  "filename-rfc2231-latin1",
  "hand-forward-inline-rfc822",
  "hand-pgp-mime-signed",
  "hand-mbox-from-line",
  "raw-sjis-subject",
];

beforeAll(async () => {
  corpus.push(...mimeCorpus(17));
  for (const { prefix, dir } of FIXTURE_DIRS)
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".eml")))
      corpus.push({
        name: `${prefix}${file.replace(/\.eml$/, "")}`,
        raw: readFileSync(new URL(file, dir)),
        to: "support@example.com",
      });
  for (const message of corpus) if (IMAP_SAMPLE.includes(message.name)) message.to = ADMIN.email;
  expect(new Set(corpus.map((m) => m.name)).size).toBe(corpus.length);

  // Python reads the very bytes the MX is sent, in parallel with the delivery.
  const dir = scratchDir("mime-corpus-");
  for (const message of corpus) writeFileSync(path.join(dir, `${message.name}.eml`), message.raw);
  const python = promisify(execFile)("python3", [ORACLE, dir], { maxBuffer: 256 * 1024 * 1024 });

  dns = await startDnsServer();
  imapsPort = await freePort();
  ({ yubin, smtpPort } = await startMailApp({
    admin: ADMIN,
    roles: "mail",
    env: { YUBIN_DNS_SERVERS: dns.address, YUBIN_IMAPS_PORT: String(imapsPort) },
  }));

  const queue = corpus.map((message, index) => ({ message, index }));
  await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        sent.set(next.message.name, await send(next.index, next.message));
    }),
  );

  const results = JSON.parse((await python).stdout) as Record<string, OracleResult>;
  for (const [name, result] of Object.entries(results)) oracle.set(name, result);

  const byHelo = new Map(corpus.map((message, index) => [helo(index), message.name]));
  const rows = await db().message.findMany({
    select: {
      subject: true,
      fromAddress: true,
      fromName: true,
      textBody: true,
      htmlBody: true,
      attachments: true,
      parseError: true,
      malformed: true,
      blob: { select: { bytes: true } },
    },
  });
  for (const { blob, ...row } of rows) {
    const first = Buffer.from(blob.bytes.subarray(0, 200)).toString("latin1");
    const name = byHelo.get(/^Received: from (\S+)/.exec(first)?.[1] ?? "");
    if (name) stored.set(name, row as unknown as Stored);
  }
}, 120_000);

afterAll(async () => {
  await yubin?.stop();
  await dns?.close();
});

/** The HELO name that tells, in the stored Received field, which corpus message a row is. */
function helo(index: number): string {
  return `c${index}.corpus.test`;
}

/** One SMTP session per message, as a customer's server would send it; resolves with the DATA reply. */
async function send(index: number, message: CorpusMessage): Promise<string> {
  const { client, greeting } = await SmtpClient.connect(smtpPort);
  try {
    if (greeting.code !== 220) return greeting.last;
    await client.send(`EHLO ${helo(index)}`);
    for (const command of [`MAIL FROM:<corpus@customer.example> BODY=8BITMIME`, `RCPT TO:<${message.to}>`, "DATA"]) {
      const reply = await client.send(command);
      if (reply.code >= 400) return `${command}: ${reply.last}`;
    }
    client.write(dotStuffed(message.raw));
    return (await client.reply(30_000)).last;
  } finally {
    client.close();
  }
}

/** RFC 5321 §4.5.2 transparency, bytes untouched otherwise; a bare LF counts as a line end too. */
function dotStuffed(raw: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  if (raw[0] === 0x2e) pieces.push(Buffer.from("."));
  for (let at = raw.indexOf(0x0a); at >= 0; at = raw.indexOf(0x0a, at + 1)) {
    if (raw[at + 1] === 0x2e) {
      pieces.push(raw.subarray(start, at + 1), Buffer.from("."));
      start = at + 1;
    }
  }
  pieces.push(raw.subarray(start));
  const ends = raw.subarray(-2).equals(Buffer.from("\r\n")) ? "" : "\r\n";
  pieces.push(Buffer.from(`${ends}.\r\n`));
  return Buffer.concat(pieces);
}

// ---- comparison -------------------------------------------------------------

const FFFD = /\ufffd/;
// RULE: PostgreSQL text cannot hold U+0000, so Yubin stores it as U+FFFD (server/safe-text.ts).
const storable = (text: string) => text.replaceAll("\u0000", "\ufffd");
const norm = (text: string) => storable(text).normalize("NFC").replace(/\s+/g, " ").trim();
const squash = (text: string) => storable(text).normalize("NFC").replace(/\s+/g, "");

function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}

/**
 * Whether `needle` is in `haystack`, whitespace aside. RULE: a U+FFFD in
 * Python's decoding marks bytes Python could not decode (an undeclared
 * charset, CP932 or GBK beyond the label's strict table, raw 8-bit header
 * bytes); Yubin decodes those by its documented guesses and supersets
 * (server/mime/charset.ts). There the text is compared around them: the
 * character on each side of a U+FFFD run is dropped too (a multibyte
 * character's ASCII-range trail byte, which Python then shows as "\\" or a
 * letter), and every remaining piece of 3 or more characters must be there, in order.
 */
function contains(haystack: string, needle: string): boolean {
  const whole = squash(needle);
  const pieces = FFFD.test(whole)
    ? whole
        .split(/\ufffd+/)
        .map((piece, i, all) => piece.slice(i > 0 ? 1 : 0, i < all.length - 1 ? -1 : undefined))
        .filter((piece) => piece.length >= 3)
    : [whole];
  const hay = squash(haystack);
  let from = 0;
  for (const piece of pieces) {
    const at = hay.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

/**
 * RULE: Yubin (mailparser) shows text/plain, text/html and
 * message/delivery-status parts that are not attachments as the message's
 * text; every other leaf — text/calendar, text/rfc822-headers, text/csv
 * included — is an attachment, as it is for every mail client that offers
 * an invite or a header dump as a file. A disposition other than inline or
 * attachment counts as attachment (RFC 2183 §2.8: unknown means attachment),
 * except on a message that is one text part, which Yubin shows (its
 * "broken-disposition" defect, server/mime/message-defects.ts).
 */
function isText(leaf: OracleLeaf, got: Stored): boolean {
  if (isPartless(leaf)) return true;
  const textual = ["text/plain", "text/html", "message/delivery-status"].includes(leaf.type);
  if (textual && got.malformed === "broken-disposition") return true;
  return textual && (leaf.disposition === null || leaf.disposition === "inline");
}

/**
 * RULE: a multipart that Python could not split (no boundary parameter, or
 * a boundary that never occurs) is a leaf for Python, shown as its body; Yubin
 * shows that body as plain text too (its "missing-boundary" defect). A body
 * of nothing but delimiter lines has no text.
 */
function isPartless(leaf: OracleLeaf): boolean {
  return leaf.type.startsWith("multipart/");
}

/**
 * RULE: an attached message (message/rfc822 not marked inline) is one
 * attachment in Yubin, opened on its own; its inner parts are not the outer
 * message's text or attachments. One marked inline is shown in place, as
 * RFC 2183 asks, so its text is the message's text.
 */
function visible(leaf: OracleLeaf): boolean {
  return !leaf.insideMessage || leaf.inlineMessage === true;
}

/**
 * RULE: hand-written fixtures (tests/fixtures/make-mail-fixtures.ts) whose
 * headers use the CP932/CP50221 characters real Japanese mailers send (①, ㈱,
 * 髙) under the Shift_JIS and ISO-2022-JP labels, GBK under "gb2312", or raw
 * JIS with no label at all: Python's strict codecs leave those encoded-words undecoded, or cannot
 * read them, so for these fields the text the fixture was written from
 * replaces Python's reading.
 */
const FIXTURE_TRUTH: Record<string, { subject?: string; fromName?: string; texts?: string[]; filenames?: string[] }> = {
  "fixture-iso2022jp-cp50221": {
    subject: "【重要】①㈱ご請求書について",
    fromName: "㈱髙橋商事 佐藤",
    texts: ["①ご請求書 ②納品書 Ⅰ期分 10㍉ ㈱"],
  },
  "fixture-shift-jis-cp932": {
    subject: "①㈱髙﨑の件",
    fromName: "髙﨑",
    texts: ["髙﨑様、①②の件～よろしくお願いします。㈱"],
  },
  "fixture-gb2312-really-gbk": { subject: "关于朱镕基的报告", texts: ["陶喆和朱镕基"] },
  "fixture-euc-jp": { subject: "EUC-JPの件名①", texts: ["EUC-JPの本文です。①㈱ 髙 丂"] },
  "fixture-split-encoded-words-iso2022jp": { subject: "ご注文ありがとうございます①" },
  "fixture-unlabelled-iso2022jp": { subject: "ラベルなしの件名", texts: ["文字コード指定のない本文です。①"] },
  "fixture-unlabelled-shift-jis": {
    subject: "生のシフトJIS件名①",
    fromName: "山田㈱",
    texts: ["ラベルのないシフトJISの本文です。髙﨑"],
  },
  "fixture-us-ascii-labelled-iso2022jp": { texts: ["ラベルはUS-ASCIIだが中身はJIS①"] },
  "fixture-iso2022jp-quoted-filename": { filenames: ["御見積書①.pdf"] },
  // Not CJK, but the same case: an RFC 1428 "unknown-8bit" label, which Python cannot decode at all.
  "hand-unknown-8bit-charset": {
    subject: "Café menu",
    texts: ["Café crème, naïve: a gateway could not tell the charset."],
  },
  "fixture-rfc2231-filenames": { filenames: ["請求書①.pdf", "見積書㈱.xlsx", "注文書①.txt"] },
};

/**
 * RULE: fixtures built to cross a limit of server/limits.ts are stored raw
 * with parseError set (then shown raw); their subject and sender still
 * come from the header, their parts are not read.
 */
const OVER_LIMITS: Record<string, RegExp> = {
  "fixture-deep-nesting": /^MIME nesting deeper than/,
  "fixture-huge-header": /^header block larger than/,
  "fixture-too-many-parts": /^more than \d+ MIME parts/,
};

/**
 * RULE: Yubin does not decode UTF-7 (server/mime/charset.ts: a deliberate
 * choice, so that "+ADw-script+AD4-" can never become markup); UTF-7 text is
 * shown as its ASCII bytes. A UTF-7 part is compared with Python's text
 * encoded back to UTF-7, a UTF-7 subject with its encoded-words' bytes.
 */
const toUtf7 = (text: string) => iconv.encode(text, "utf-7").toString("latin1");
function utf7Subject(raw: string): string {
  return raw
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-7\?([bq])\?([^?]*)\?=/gi, (_, mode: string, data: string) =>
      mode.toLowerCase() === "b"
        ? Buffer.from(data, "base64").toString("latin1")
        : data
            .replace(/_/g, " ")
            .replace(/=([0-9a-f]{2})/gi, (__, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    );
}

function corpusByName(name: string): CorpusMessage {
  return corpus.find((message) => message.name === name) as CorpusMessage;
}

/**
 * RULE: Yubin reads a Latin-1 label as the WHATWG Encoding Standard does, as
 * Windows-1252 (0x93 is “, 0x80 is €, not a C1 control), and bytes under it
 * that are valid multibyte UTF-8 as UTF-8 (server/mime/charset.ts); Python
 * trusts the label. Python's Latin-1 text is read again by those two rules.
 */
function latin1AsYubinReads(text: string): string {
  const bytes = Buffer.from(text, "latin1");
  if (bytes.some((byte) => byte >= 0x80) && isUtf8(bytes)) return bytes.toString("utf8");
  return text.replace(/[\u0080-\u009f]/g, (c) => {
    const char = iconv.decode(Buffer.from([c.charCodeAt(0)]), "windows-1252");
    return char === "\ufffd" ? c : char;
  });
}
const LATIN1 = ["iso-8859-1", "latin1", "iso_8859-1"];

/** A top-level header field's raw value, unfolded lines kept, as latin1 text. */
function headerOf(raw: Buffer, name: string): string | null {
  const head = raw.toString("latin1").split(/\r?\n\r?\n/)[0] ?? "";
  return new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, "im").exec(head)?.[1] ?? null;
}

function check(name: string): string[] {
  const problems: string[] = [];
  const message = corpus.find((m) => m.name === name) as CorpusMessage;
  const reply = sent.get(name) ?? "not sent";
  if (!reply.startsWith("250")) return [`MX answered ${reply}`];
  const got = stored.get(name);
  if (!got) return ["not stored"];
  const py = oracle.get(name);
  if (!py) return ["no Python result"];
  const fixture = FIXTURE_TRUTH[name];
  const overLimit = OVER_LIMITS[name];
  if (overLimit) {
    if (!overLimit.test(got.parseError ?? ""))
      problems.push(`parse error ${JSON.stringify(got.parseError)}, not ${overLimit}`);
  } else if (got.parseError) problems.push(`parse error: ${got.parseError}`);
  if ("error" in py) problems.push(`Python failed: ${py.error}`);
  else {
    // Subject.
    if (fixture?.subject === undefined && typeof py.subject === "string") {
      const latin1Words = /=\?(?:iso-8859-1|latin1)\?/i.test(headerOf(message.raw, "Subject") ?? "");
      const want = norm(latin1Words ? latin1AsYubinReads(py.subject) : py.subject);
      // RULE: RFC 2047 §5 lets no encoded-word hold a space; Python decodes
      // "=?utf-8?Q?a b?=" anyway, Yubin (like mailparser) leaves it as written.
      const rawSubject = headerOf(message.raw, "Subject");
      const literal = rawSubject !== null && /=\?[^?\s]+\?q\?[^?]* [^?]*\?=/i.test(rawSubject);
      const utf7 = rawSubject !== null && /=\?utf-7\?/i.test(rawSubject);
      const ok = literal
        ? norm(got.subject) === norm(rawSubject)
        : utf7
          ? norm(got.subject) === norm(utf7Subject(rawSubject))
          : FFFD.test(want)
            ? contains(got.subject, want)
            : norm(got.subject) === want;
      if (!ok) problems.push(`subject: ${JSON.stringify(got.subject)} ≠ Python ${JSON.stringify(want)}`);
    } else if (py.subject === null && got.subject !== "")
      problems.push(`subject ${JSON.stringify(got.subject)} but none in the message`);
    // Sender.
    if (py.from && !("error" in py.from) && py.from.address) {
      if (got.fromAddress !== py.from.address.toLowerCase())
        problems.push(`from address: ${JSON.stringify(got.fromAddress)} ≠ Python ${JSON.stringify(py.from.address)}`);
      const rawFrom = headerOf(message.raw, "From") ?? "";
      // RULE: "addr@host (Name)" — the RFC 5322 §3.2.2 comment is the only
      // name there is; Yubin shows it as the name (as Thunderbird and mailparser
      // do), Python's display_name stays empty.
      const comment = py.from.name === "" ? /^[^(]*@[^(]*\(([^)]*)\)\s*$/.exec(rawFrom)?.[1] : undefined;
      const want = norm(comment ?? py.from.name);
      // RULE: display names are compared without whitespace when Python's
      // reading came from adjacent encoded-words: CPython keeps the space
      // between them in an address field, which RFC 2047 §6.2 says to drop.
      const adjacentWords = /\?=\s+=\?/.test(rawFrom);
      if (fixture?.fromName === undefined) {
        const ok = FFFD.test(want)
          ? contains(got.fromName, want)
          : adjacentWords
            ? squash(got.fromName) === squash(want)
            : norm(got.fromName) === want;
        if (!ok) problems.push(`from name: ${JSON.stringify(got.fromName)} ≠ Python ${JSON.stringify(want)}`);
      }
    }
    if (!overLimit) {
      // Text parts: each one's text is in what Yubin shows, none lost, no new U+FFFD.
      const leaves = py.parts.filter(visible);
      const texts = leaves.filter((leaf) => isText(leaf, got));
      const shownText = got.textBody ?? "";
      const shownHtml = stripHtml(got.htmlBody ?? "");
      for (const leaf of fixture?.texts ? [] : texts) {
        if (typeof leaf.text !== "string") continue;
        let want = leaf.type === "text/html" ? stripHtml(leaf.text) : leaf.text;
        if (isPartless(leaf)) {
          const boundary = leaf.boundary;
          if (!want.split(/\r?\n/).some((line) => line.trim() && !(boundary && line.startsWith(`--${boundary}`))))
            continue;
          want = want.replace(/^--\S+$/gm, "");
        }
        if (leaf.charset === "utf-7") want = toUtf7(leaf.text);
        if (LATIN1.includes(leaf.charset ?? "")) want = latin1AsYubinReads(want);
        const where =
          leaf.charset === "utf-7"
            ? `${shownText}\n${got.htmlBody}`
            : leaf.type === "text/html"
              ? shownHtml
              : `${shownText}\n${shownHtml}`;
        if (!contains(where, want))
          problems.push(`${leaf.type} (${leaf.charset}) lost: ${JSON.stringify(norm(want).slice(0, 120))}`);
      }
      const pythonReplaced = texts.some((leaf) => typeof leaf.text === "string" && FFFD.test(storable(leaf.text)));
      if (!pythonReplaced && !fixture && (FFFD.test(shownText) || FFFD.test(shownHtml)))
        problems.push(`U+FFFD in Yubin's text where Python had none: ${JSON.stringify(norm(shownText).slice(0, 120))}`);
      // Attachments: as many as Python's leaves that are attachments, every name kept.
      const files = leaves.filter(
        (leaf) => !isText(leaf, got) && !(leaf.type === "message/rfc822" && leaf.disposition === "inline"),
      );
      const names = got.attachments.map((a) => a.filename);
      if (got.attachments.length !== files.length)
        problems.push(
          `${got.attachments.length} attachments (${JSON.stringify(names)}) ≠ Python ${files.length} (${files.map((f) => f.type).join(", ")})`,
        );
      // Where the names were written down, they rule (Python takes filename over filename*).
      for (const leaf of (fixture?.filenames ?? message.truth?.filenames) ? [] : files)
        if (typeof leaf.filename === "string" && !names.includes(storable(leaf.filename)))
          problems.push(`attachment name ${JSON.stringify(leaf.filename)} missing from ${JSON.stringify(names)}`);
    }
  }
  // What the generator (or the fixture's maker) put in, exactly.
  const truth = { ...message.truth, ...fixture };
  if (truth.subject !== undefined && norm(got.subject) !== norm(truth.subject))
    problems.push(`subject ${JSON.stringify(got.subject)} ≠ written ${JSON.stringify(truth.subject)}`);
  if (truth.fromName !== undefined && norm(got.fromName) !== norm(truth.fromName))
    problems.push(`from name ${JSON.stringify(got.fromName)} ≠ written ${JSON.stringify(truth.fromName)}`);
  for (const text of truth.texts ?? [])
    if (!contains(`${got.textBody ?? ""}\n${stripHtml(got.htmlBody ?? "")}`, text))
      problems.push(`written text lost: ${JSON.stringify(text.slice(0, 80))}`);
  for (const filename of truth.filenames ?? [])
    if (!got.attachments.some((a) => a.filename === filename))
      problems.push(
        `written filename ${JSON.stringify(filename)} missing from ${JSON.stringify(got.attachments.map((a) => a.filename))}`,
      );
  return problems;
}

describe("the MIME corpus through the MX", () => {
  it("has a few hundred messages, each answered 250 and stored once", () => {
    expect(corpus.length).toBeGreaterThan(300);
    const refused = [...sent].filter(([, reply]) => !reply.startsWith("250"));
    expect(refused).toEqual([]);
    expect(stored.size).toBe(corpus.length);
  });

  it("stores subject, sender, every text part and every attachment name as Python decodes them", () => {
    const problems = Object.fromEntries(
      corpus.map((message) => [message.name, check(message.name)]).filter(([, list]) => (list as string[]).length > 0),
    );
    expect(problems).toEqual({});
  });

  it("serves the same names and charsets in IMAP BODYSTRUCTURE", async () => {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: imapsPort,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: ADMIN.email, pass: ADMIN.password },
      logger: false,
    });
    await client.connect();
    try {
      await client.mailboxOpen("INBOX");
      const seen = new Map<string, MessageStructureObject>();
      const byHelo = new Map(corpus.map((message, index) => [helo(index), message.name]));
      const subjects = new Map<string, string>();
      for await (const fetched of client.fetch("1:*", { bodyStructure: true, envelope: true, headers: ["received"] })) {
        const name = byHelo.get(/Received: from (\S+)/.exec(fetched.headers?.toString() ?? "")?.[1] ?? "");
        if (name && fetched.bodyStructure) seen.set(name, fetched.bodyStructure);
        if (name) subjects.set(name, fetched.envelope?.subject ?? "");
      }
      const problems: string[] = [];
      for (const name of IMAP_SAMPLE) {
        const structure = seen.get(name);
        const py = oracle.get(name);
        if (!structure || !py || "error" in py) {
          problems.push(`${name}: not fetched`);
          continue;
        }
        // ENVELOPE carries the subject as stored (imapflow decodes its encoded-words).
        // RULE: ENVELOPE holds the header's bytes as they are (RFC 9051 §7.5.2; Dovecot does
        // the same), so raw 8-bit header text that is not UTF-8 (RFC 6532) reaches the
        // client undecoded; only Yubin's own views decode it by its guess.
        const subject = stored.get(name)?.subject ?? "";
        const rawSubject = Buffer.from(headerOf(corpusByName(name).raw, "Subject") ?? "", "latin1");
        const undecodable = rawSubject.some((byte) => byte >= 0x80) && !isUtf8(rawSubject);
        if (!undecodable && norm(subjects.get(name) ?? "") !== norm(subject))
          problems.push(`${name}: ENVELOPE subject ${JSON.stringify(subjects.get(name))} ≠ ${JSON.stringify(subject)}`);
        const imapLeaves = flatten(structure);
        const pyLeaves = py.parts.filter((leaf) => !leaf.insideMessage);
        if (imapLeaves.length !== pyLeaves.length)
          problems.push(`${name}: ${imapLeaves.length} leaves ≠ Python ${pyLeaves.length}`);
        pyLeaves.forEach((leaf, i) => {
          const part = imapLeaves[i];
          if (!part) return;
          if (part.type !== leaf.type) problems.push(`${name} part ${i}: ${part.type} ≠ ${leaf.type}`);
          const charset = part.parameters?.charset?.toLowerCase() ?? null;
          if (leaf.charset && leaf.type.startsWith("text/") && charset !== leaf.charset)
            problems.push(`${name} part ${i}: charset ${charset} ≠ ${leaf.charset}`);
          const filename = part.dispositionParameters?.filename ?? part.parameters?.name ?? null;
          if (typeof leaf.filename === "string" && filename !== leaf.filename)
            problems.push(`${name} part ${i}: name ${JSON.stringify(filename)} ≠ ${JSON.stringify(leaf.filename)}`);
        });
      }
      expect(problems).toEqual([]);
    } finally {
      await client.logout().catch(() => client.close());
    }
  });
});

/** The leaves of a BODYSTRUCTURE in order; an attached message is one leaf, as for Python above. */
function flatten(node: MessageStructureObject): MessageStructureObject[] {
  if (node.type === "message/rfc822" || !node.childNodes?.length) return [node];
  return node.childNodes.flatMap(flatten);
}
