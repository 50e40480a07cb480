import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { sniffCharset } from "../../server/mime/charset.ts";
import { decodeEncodedWords } from "../../server/mime/encoded-words.ts";
import { extractAttachment } from "../../server/mime/extract-attachment.ts";
import { htmlToPlainText } from "../../server/mime/html-to-plain-text.ts";
import { readStructure } from "../../server/mime/message-structure.ts";
import { parseMessage } from "../../server/mime/parse-message.ts";
import { hasTextBesideHtml } from "../../server/mime/run-mailparser.ts";

// The fixtures are written by tests/fixtures/make-mail-fixtures.ts; the
// expected strings here are typed independently of it.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));
const parse = (name: string) => parseMessage(fixture(name));

describe("Japanese charsets", () => {
  it("decodes ISO-2022-JP as CP50221, NEC and IBM rows included", async () => {
    const message = await parse("iso2022jp-cp50221.eml");
    expect(message.parseError).toBeNull();
    expect(message.subject).toBe("【重要】①㈱ご請求書について");
    expect(message.fromName).toBe("㈱髙橋商事 佐藤");
    expect(message.fromAddress).toBe("sato@example.jp");
    expect(message.to).toEqual([
      { address: "support@example.com", name: "" },
      { address: "help@example.com", name: "サポート" },
    ]);
    expect(message.textBody).toBe("髙橋様\n\n①ご請求書 ②納品書 Ⅰ期分 10㍉ ㈱\nﾊﾝｶｸｶﾀｶﾅ\n");
    expect(message.snippet).toBe("髙橋様 ①ご請求書 ②納品書 Ⅰ期分 10㍉ ㈱ ﾊﾝｶｸｶﾀｶﾅ");
  });

  it("decodes Shift_JIS labels as CP932", async () => {
    const message = await parse("shift-jis-cp932.eml");
    expect(message.subject).toBe("①㈱髙﨑の件");
    expect(message.fromName).toBe("髙﨑");
    // CP932 maps 0x8160 to U+FF5E FULLWIDTH TILDE, as Windows users typed it.
    expect(message.textBody).toBe("髙﨑様、①②の件\uff5eよろしくお願いします。㈱\n");
  });

  it("decodes EUC-JP with NEC rows and JIS X 0212", async () => {
    const message = await parse("euc-jp.eml");
    expect(message.subject).toBe("EUC-JPの件名①");
    expect(message.textBody).toBe("EUC-JPの本文です。①㈱ 髙 丂\n");
  });

  it("sniffs ISO-2022-JP when the charset label is missing, in the body and in raw headers", async () => {
    const message = await parse("unlabelled-iso2022jp.eml");
    expect(message.subject).toBe("ラベルなしの件名");
    expect(message.textBody).toBe("文字コード指定のない本文です。①\n");
  });

  it("sniffs Shift_JIS when there is no Content-Type and the headers are raw bytes", async () => {
    const message = await parse("unlabelled-shift-jis.eml");
    expect(message.subject).toBe("生のシフトJIS件名①");
    expect(message.fromName).toBe("山田㈱");
    expect(message.fromAddress).toBe("yamada@example.co.jp");
    expect(message.textBody).toBe("ラベルのないシフトJISの本文です。髙﨑\n");
  });

  it("sniffs EUC-JP in an unlabelled quoted-printable body", async () => {
    const message = await parse("unlabelled-euc-jp.eml");
    expect(message.textBody).toBe("日本語のテキストです。請求書を送付いたします。\n");
  });

  it("reads ISO-2022-JP escapes under a us-ascii label as ISO-2022-JP", async () => {
    const message = await parse("us-ascii-labelled-iso2022jp.eml");
    expect(message.textBody).toBe("ラベルはUS-ASCIIだが中身はJIS①\n");
  });

  it("decodes gb2312 labels as GBK", async () => {
    const message = await parse("gb2312-really-gbk.eml");
    expect(message.subject).toBe("关于朱镕基的报告");
    expect(message.textBody).toBe("陶喆和朱镕基");
  });

  it("joins UTF-8 encoded-words that split a character", async () => {
    const message = await parse("split-encoded-words.eml");
    expect(message.subject).toBe("【至急】見積書の送付");
    expect(message.fromName).toBe("山田");
    expect(message.to).toEqual([{ address: "support@example.com", name: "サポート" }]);
  });

  it("joins ISO-2022-JP encoded-words that split a character and the escape state", async () => {
    const message = await parse("split-encoded-words-iso2022jp.eml");
    expect(message.subject).toBe("ご注文ありがとうございます①");
    expect(message.textBody).toBe("本文\n");
  });

  it("reads raw UTF-8 headers (RFC 6532), keeping a final ①", async () => {
    const message = await parse("raw-utf8-headers.eml");
    expect(message.subject).toBe("日本語の件名 ✓ ①");
    expect(message.fromName).toBe("山田 太郎");
    expect(message.fromAddress).toBe("taro@example.jp");
    expect(message.to).toEqual([{ address: "support@example.com", name: "サポート窓口" }]);
    expect(message.textBody).toBe("本文もUTF-8です。\n");
  });
});

describe("Western charsets (issue 10 item 11)", () => {
  it("reads raw Windows-1252 header bytes in the charset the message declares, not as CP932", async () => {
    const message = await parse("raw-cp1252-subject.eml");
    expect(message.subject).toBe("Formação de Verão … inscrições");
    expect(message.textBody).toBe("Inscrições abertas até março.\n");
  });

  it("reads raw Latin-1 headers and an unlabelled Latin-1 body when nothing is declared", async () => {
    const message = await parse("raw-latin1-unlabelled.eml");
    expect(message.subject).toBe("Formação Verão");
    expect(message.fromName).toBe("José Conceição");
    expect(message.fromAddress).toBe("jose@example.pt");
    expect(message.textBody).toBe("Olá, a formação de verão começa amanhã.\n");
  });

  it("guesses among the declared charsets, CP932, EUC-JP and Windows-1252 by what reads as text", () => {
    const guess = (text: string, charset: string, declared: string[] = []) =>
      sniffCharset(iconv.encode(text, charset), declared);
    expect(guess("Formação Verão", "windows-1252")).toBe("windows-1252");
    expect(guess("MÜLLER Größe", "latin1")).toBe("windows-1252");
    expect(guess("“quoted” — € 100", "windows-1252")).toBe("windows-1252");
    expect(guess("です", "cp932")).toBe("cp932");
    expect(guess("ABCテスト", "cp932")).toBe("cp932");
    expect(guess("日本語の件名", "euc-jp")).toBe("euc-jp");
    expect(guess("Ελληνικά", "iso-8859-7", ["ISO-8859-7"])).toBe("iso-8859-7");
    expect(guess("Привет мир", "koi8-r", ["koi8-r"])).toBe("koi8-r");
    expect(guess("안녕하세요", "euc-kr", ["ks_c_5601-1987"])).toBe("ks_c_5601-1987");
  });

  it("never drops a byte, whatever the bytes", () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((i) => i >= 0x80));
    const charset = sniffCharset(bytes);
    expect(iconv.decode(bytes, charset)).toHaveLength(bytes.length);
  });
});

describe("NUL characters (issue 10 item 5)", () => {
  it("leaves no U+0000 in any decoded text: encoded-words, quoted-printable, RFC 2231 filenames", async () => {
    const message = await parse("nul-characters.eml");
    expect(JSON.stringify(message)).not.toContain("\\u0000");
    expect(message.subject).toBe("before\ufffdafter");
    expect(message.fromName).toBe("Null\ufffdSender");
    expect(message.textBody).toBe("line one\ufffdline two");
    expect(message.attachments.map((attachment) => attachment.filename)).toEqual(["bad\ufffdname.txt"]);
  });
});

describe("attachment names", () => {
  it("decodes RFC 2231 filenames in UTF-8, Shift_JIS and ISO-2022-JP, with continuations", async () => {
    const message = await parse("rfc2231-filenames.eml");
    expect(message.textBody).toBe("添付をご確認ください。");
    expect(message.attachments.map((attachment) => attachment.filename)).toEqual([
      "請求書①.pdf",
      "見積書㈱.xlsx",
      "注文書①.txt",
    ]);
    expect(message.hasAttachments).toBe(true);
  });

  it("decodes RFC 2047 ISO-2022-JP filenames inside quotes", async () => {
    const message = await parse("iso2022jp-quoted-filename.eml");
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]?.filename).toBe("御見積書①.pdf");
    expect(message.attachments[0]?.contentType).toBe("application/pdf");
  });
});

describe("envelope and trace headers", () => {
  it("reads ids without brackets, the date, the recipients and the Received count", async () => {
    const message = await parse("iso2022jp-cp50221.eml");
    expect(message.messageIdHeader).toBe("cp50221.1@example.jp");
    expect(message.inReplyTo).toBe("question.7@example.com");
    expect(message.references).toEqual(["first.1@example.com", "question.7@example.com"]);
    expect(message.date?.toISOString()).toBe("2026-11-02T01:00:00.000Z");
    expect(message.cc).toEqual([{ address: "boss@example.com", name: "Boss" }]);
    expect(message.replyTo).toEqual([{ address: "billing@example.jp", name: "" }]);
    expect(message.receivedCount).toBe(2);
    expect(message.autoSubmitted).toBeNull();
    expect(message.listId).toBeNull();
  });

  it("hashes the bytes after the header/body separator", async () => {
    const raw = fixture("shift-jis-cp932.eml");
    const body = raw.subarray(raw.indexOf("\r\n\r\n") + 4);
    const message = await parseMessage(raw);
    expect(message.bodyHash).toBe(createHash("sha256").update(body).digest("hex"));
  });
});

describe("HTML mail", () => {
  it("keeps the raw HTML, derives text from it and lists the inline image", async () => {
    const raw = fixture("hostile-html.eml");
    const message = await parseMessage(raw);
    expect(message.htmlBody).toContain("<script>alert('head')</script>");
    expect(message.textBody).toBe("Hello world\n\nclick docs");
    expect(message.autoSubmitted).toBe("auto-generated");
    expect(message.listId).toBe("news.example.net");
    expect(message.attachments).toEqual([
      {
        index: 0,
        filename: null,
        contentType: "image/png",
        size: 68,
        contentId: "logo@yubin",
        inline: true,
        sha256: "63ef318d96b5d0d0ceba6e04a4e622b1158335cdc67c49e27839132c6f655058",
      },
    ]);
    expect(message.hasAttachments).toBe(false);
    expect(JSON.stringify(message)).not.toContain("iVBORw0KGgo");
  });

  it("extracts attachment bytes on demand", async () => {
    const png = await extractAttachment(fixture("hostile-html.eml"), 0);
    expect(png?.contentType).toBe("image/png");
    expect(png?.content.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(
      createHash("sha256")
        .update(png?.content ?? "")
        .digest("hex"),
    ).toBe("63ef318d96b5d0d0ceba6e04a4e622b1158335cdc67c49e27839132c6f655058");
    const sheet = await extractAttachment(fixture("rfc2231-filenames.eml"), 1);
    expect(sheet?.filename).toBe("見積書㈱.xlsx");
    expect(sheet?.content.toString()).toBe("xlsx");
    expect(await extractAttachment(fixture("rfc2231-filenames.eml"), 3)).toBeNull();
    expect(await extractAttachment(fixture("deep-nesting.eml"), 0)).toBeNull();
  });
});

describe("broken MIME", () => {
  it("reads a multipart whose closing boundary never comes", async () => {
    const message = await parse("broken-missing-boundary-end.eml");
    expect(message.parseError).toBeNull();
    expect(message.textBody).toBe("閉じられない境界");
    expect(message.attachments.map((attachment) => [attachment.filename, attachment.size])).toEqual([["cut.bin", 6]]);
  });

  it("treats an unknown Content-Transfer-Encoding as identity", async () => {
    expect((await parse("broken-garbage-cte.eml")).textBody).toBe("ゴミのCTEでも読める\n");
  });

  it("skips stray characters and missing padding in base64", async () => {
    expect((await parse("broken-bad-base64.eml")).textBody).toBe("日本語の本文です");
  });

  it("never throws, whatever the bytes", async () => {
    for (const raw of [Buffer.alloc(0), Buffer.from("\r\n\r\n"), Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x24, 0x42])]) {
      const message = await parseMessage(raw);
      expect(message.subject).toBe("");
      expect(message.fromAddress).toBe("");
    }
  });
});

describe("text parts beside an HTML part (issue 10 item 12)", () => {
  it("keeps every inline part of a multipart/mixed in order: HTML, then plain text, then ISO-2022-JP text", async () => {
    const message = await parse("html-then-plain-parts.eml");
    // As the HTML reads once rendered (characters may be written as references).
    const shown = htmlToPlainText(message.htmlBody ?? "") ?? "";
    const order = ["Your invoice is below.", "Invoice 77: 3 items, total < 100 EUR.", "請求書の控えです。"].map((t) =>
      shown.indexOf(t),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(message.textBody).toContain("Invoice 77: 3 items, total < 100 EUR.");
    expect(message.textBody).toContain("請求書の控えです。");
    expect(message.attachments).toEqual([]);
  });

  it("converts plain text to HTML only where it stands beside HTML (the common alternative pays nothing)", () => {
    const parts = (name: string) => readStructure(fixture(name)).parts;
    expect(hasTextBesideHtml(parts("html-then-plain-parts.eml"))).toBe(true);
    expect(hasTextBesideHtml(parts("alternative-with-footer.eml"))).toBe(true);
    const alternativeOnly = Buffer.from(
      'Content-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nhi\r\n' +
        "--a\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--a--\r\n",
    );
    expect(hasTextBesideHtml(readStructure(alternativeOnly).parts)).toBe(false);
    const attachedText = Buffer.from(
      'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n' +
        '--m\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="a.txt"\r\n\r\nfile\r\n--m--\r\n',
    );
    expect(hasTextBesideHtml(readStructure(attachedText).parts)).toBe(false);
  });

  it("keeps a mailing list's plain footer after a multipart/alternative", async () => {
    const message = await parse("alternative-with-footer.eml");
    const html = message.htmlBody ?? "";
    expect(html.indexOf("<i>Thursday</i>")).toBeGreaterThanOrEqual(0);
    expect(html.indexOf("team-list mailing list")).toBeGreaterThan(html.indexOf("<i>Thursday</i>"));
    // The plain alternative is shown once, not beside its HTML twin.
    expect(html).not.toContain("The meeting moved to Thursday.");
    expect(message.textBody).toContain("team-list mailing list");
    expect(message.attachments).toEqual([]);
  });
});

describe("malformed messages (issue 10 items 13 and 14)", () => {
  it("takes the first line that is no header field as the body when the empty line is missing, and says so", async () => {
    const message = await parse("no-blank-line.eml");
    expect(message).toMatchObject({ subject: "no blank line", fromAddress: "hurried@example.net", parseError: null });
    // "Order 1234: delayed" looks like a field, but a name has no spaces (RFC 5322 §2.2).
    expect(message.textBody).toBe("Order 1234: delayed\nIt was due on Friday.\nThanks\n");
    expect(message.snippet).toBe("Order 1234: delayed It was due on Friday. Thanks");
    expect(message.malformed).toBe("missing-blank-line");
  });

  it("shows a message without any header as its body, also under the trace fields servers add", async () => {
    const message = await parse("no-header.eml");
    expect(message).toMatchObject({ subject: "", fromAddress: "", malformed: "no-header" });
    expect(message.textBody).toBe("Hello, this message has no header at all.\nSecond line.\n");
    const received = Buffer.from("Received: from client.example by mx.example.com; Mon, 2 Nov 2026 10:00:00 +0000\r\n");
    const delivered = await parseMessage(Buffer.concat([received, fixture("no-header.eml")]));
    expect(delivered).toMatchObject({ malformed: "no-header", textBody: message.textBody });
  });

  it("reads a MIME part whose header has no empty line after it, with bare LF line ends", async () => {
    const raw = Buffer.from(
      [
        "From: a@example.net",
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "Straight into the text",
        "--b",
        "Right after the delimiter",
        "--b--",
        "",
      ].join("\n"),
    );
    const message = await parseMessage(raw);
    expect(message.textBody).toBe("Straight into the text\nRight after the delimiter");
    expect(message.malformed).toBe("missing-blank-line");
  });

  it("keeps a header-only message without the empty line well-formed (RFC 5322 §3.5: the body is optional)", async () => {
    const message = await parseMessage(Buffer.from("From: a@example.net\r\nSubject: only a header\r\n"));
    expect(message).toMatchObject({ subject: "only a header", textBody: null, malformed: null });
  });

  it("shows a single-part HTML message whose Content-Disposition is broken, not an unnamed attachment", async () => {
    const message = await parse("broken-disposition-html.eml");
    expect(message.htmlBody).toBe("<p>Your <b>order</b> has shipped.</p>\n");
    expect(message.textBody).toBe("Your order has shipped.");
    expect(message.attachments).toEqual([]);
    expect(message.malformed).toBe("broken-disposition");
  });

  it('reads past an mbox "From " line after the trace fields our MX prepends (MIME corpus)', async () => {
    const mbox =
      "From sender@example.net Mon Nov 30 10:00:00 2026\r\nFrom: Mbox <sender@example.net>\r\nSubject: from an mbox\r\n\r\nbody\r\n";
    const received =
      "Received: from client (client [127.0.0.1])\r\n\tby mx.example.com with ESMTP id 1;\r\n\tMon, 30 Nov 2026 10:00:01 +0000\r\n";
    const message = await parseMessage(Buffer.from(`${received}${mbox}`));
    expect(message).toMatchObject({
      subject: "from an mbox",
      fromAddress: "sender@example.net",
      textBody: "body\n",
      malformed: null,
    });
    // After a field of the sender's own, such a line is no header field: the body starts there, as before.
    const late = await parseMessage(Buffer.from("Subject: s\r\nFrom a@example.net Mon\r\n\r\nbody\r\n"));
    expect(late).toMatchObject({ subject: "s", malformed: "missing-blank-line" });
  });

  it("reads UTF-8 under a Latin-1 label as UTF-8, and Latin-1 as Windows-1252 in headers too (MIME corpus)", async () => {
    const head = "From: a@example.net\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: 8bit\r\n";
    const mislabelled = await parseMessage(
      Buffer.from(`${head}Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGrüße 日本\r\n`, "utf8"),
    );
    expect(mislabelled.textBody).toBe("Grüße 日本\n");
    const windows = await parseMessage(
      Buffer.concat([
        Buffer.from(
          `${head}Subject: =?iso-8859-1?Q?=93quoted=94_=80?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n`,
        ),
        Buffer.from("\x93smart\x94 caf\xe9\r\n", "latin1"),
      ]),
    );
    expect(windows.subject).toBe("“quoted” €");
    expect(windows.textBody).toBe("“smart” café\n");
    // 0x81, undefined in Windows-1252, stays the control it is in Latin-1, not U+FFFD.
    const undefinedByte = await parseMessage(Buffer.from(`${head}Subject: =?iso-8859-1?Q?a=81b?=\r\n\r\nx\r\n`));
    expect(undefinedByte.subject).toBe("a\u0081b");
  });

  it("reads text under a charset label no decoder knows (RFC 1428 unknown-8bit) as unlabelled text (MIME corpus)", async () => {
    const raw = Buffer.concat([
      Buffer.from("From: gateway@example.net\r\nSubject: =?unknown-8bit?Q?Caf=E9?= menu\r\nMIME-Version: 1.0\r\n"),
      Buffer.from("Content-Type: text/plain; charset=unknown-8bit\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
      Buffer.from("Caf\xe9 cr\xe8me, na\xefve\r\n", "latin1"),
    ]);
    const message = await parseMessage(raw);
    expect(message.subject).toBe("Café menu");
    expect(message.textBody).toBe("Café crème, naïve\n");
    // Known labels are still believed, and ASCII under an unknown one stays as it is.
    const ascii = await parseMessage(
      Buffer.from("From: a@example.net\r\nContent-Type: text/plain; charset=x-nothing\r\n\r\nplain\r\n"),
    );
    expect(ascii.textBody).toBe("plain\n");
  });

  it("shows the body of a multipart that names no boundary, or one that never occurs, as plain text (MIME corpus)", async () => {
    const head = "From: a@example.net\r\nSubject: parts\r\nMIME-Version: 1.0\r\n";
    const none = await parseMessage(
      Buffer.from(`${head}Content-Type: multipart/mixed\r\n\r\nText with no boundary — 本文\r\n`),
    );
    expect(none).toMatchObject({
      textBody: "Text with no boundary — 本文\n",
      attachments: [],
      malformed: "missing-boundary",
    });
    const wrong = await parseMessage(
      Buffer.from(
        `${head}Content-Type: multipart/alternative; boundary="declared"\r\n\r\n--actual\r\nContent-Type: text/plain\r\n\r\nThe text.\r\n--actual--\r\n`,
      ),
    );
    expect(wrong.textBody).toContain("The text.");
    expect(wrong.malformed).toBe("missing-boundary");
    // One that holds only its own closing delimiter is empty, not malformed.
    const empty = await parseMessage(
      Buffer.from(`${head}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b--\r\n`),
    );
    expect(empty).toMatchObject({ textBody: null, malformed: null });
    // A multipart nested without a boundary is shown where it stands.
    const nested = await parseMessage(
      Buffer.from(
        `${head}Content-Type: multipart/mixed; boundary="o"\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--o\r\nContent-Type: multipart/alternative\r\n\r\nsecond, unsplit\r\n--o--\r\n`,
      ),
    );
    expect(nested.textBody).toBe("first\nsecond, unsplit");
    expect(nested.malformed).toBe("missing-boundary");
  });

  it("keeps the display name of a sender with an empty address", async () => {
    const message = await parse("empty-address-from.eml");
    expect(message).toMatchObject({ fromName: "MAILER DAEMON", fromAddress: "", malformed: null });
  });

  it("finds nothing malformed in well-formed mail", async () => {
    for (const name of ["iso2022jp-cp50221.eml", "hostile-html.eml", "rfc2231-filenames.eml", "raw-utf8-headers.eml"]) {
      expect((await parse(name)).malformed).toBeNull();
    }
  });
});

describe("limits", () => {
  it("refuses a header block over MAX_HEADER_BYTES and recovers subject and sender", async () => {
    const started = Date.now();
    const message = await parse("huge-header.eml");
    expect(message.parseError).toBe("header block larger than 262144 bytes");
    expect(message.subject).toBe("巨大なヘッダー");
    expect(message.fromAddress).toBe("huge@example.jp");
    expect(message.fromName).toBe("Huge");
    expect(message.textBody).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses nesting beyond MAX_MIME_DEPTH", async () => {
    const started = Date.now();
    const message = await parse("deep-nesting.eml");
    expect(message.parseError).toBe("MIME nesting deeper than 20");
    expect(message.subject).toBe("深い入れ子");
    expect(message.attachments).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses more than MAX_MIME_PARTS parts", async () => {
    const message = await parse("too-many-parts.eml");
    expect(message.parseError).toBe("more than 500 MIME parts");
    expect(message.subject).toBe("too many parts");
  });

  it("gives up when the time budget runs out", async () => {
    const payload = Buffer.alloc(8 * 1024 * 1024, 7)
      .toString("base64")
      .replace(/(.{76})/g, "$1\r\n");
    const raw = Buffer.from(
      [
        "From: Slow <slow@example.jp>",
        "Subject: =?UTF-8?B?6YGF44GE?=",
        'Content-Type: multipart/mixed; boundary="s"',
        "",
        "--s",
        "Content-Type: application/octet-stream",
        "Content-Transfer-Encoding: base64",
        "",
        payload,
        "--s--",
        "",
      ].join("\r\n"),
    );
    const started = Date.now();
    const message = await parseMessage(raw, { timeoutMs: 1 });
    expect(message.parseError).toBe("parsing took longer than 1 ms");
    expect(message.subject).toBe("遅い");
    expect(message.fromAddress).toBe("slow@example.jp");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("charset helpers", () => {
  it("sniffs by escapes, then UTF-8 validity, then CP932 against EUC-JP", () => {
    expect(sniffCharset(Buffer.from("plain"))).toBe("us-ascii");
    expect(sniffCharset(Buffer.from('\x1b$B$"\x1b(B', "latin1"))).toBe("iso-2022-jp");
    expect(sniffCharset(Buffer.from("日本語", "utf8"))).toBe("utf-8");
    expect(sniffCharset(iconv.encode("請求書を送付いたします", "cp932"))).toBe("cp932");
    expect(sniffCharset(iconv.encode("請求書を送付いたします", "eucjp"))).toBe("euc-jp");
  });

  it("decodes encoded-words across charsets and keeps text between them", () => {
    expect(decodeEncodedWords("Re: =?UTF-8?B?5pel?= =?UTF-8?Q?=E6=9C=AC?= and =?ISO-2022-JP?B?GyRCLSEbKEI=?=")).toBe(
      "Re: 日本 and ①",
    );
    expect(decodeEncodedWords("=?utf-7?Q?+ADw-script+AD4-?=")).toBe("+ADw-script+AD4-");
  });
});
