// Messages the POP3 tests deliver: ordinary, with lines that begin with "."
// (dot-stuffing), 8-bit Japanese (UTF-8 and ISO-2022-JP untouched bytes),
// and one with bare LFs as an old import might have left.

export function plainMessage(subject: string, body = "Hello.\r\n"): Buffer {
  return Buffer.from(
    `From: Customer <customer@example.net>\r\nTo: support@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, "")}@example.net>\r\n\r\n${body}`,
  );
}

export const DOTTED = Buffer.from(
  [
    "From: dots@example.net",
    "To: support@example.com",
    "Subject: dots",
    "",
    ".",
    ".leading dot",
    "..two dots",
    "a line",
    ". space",
    "",
  ].join("\r\n"),
);

export const JAPANESE = Buffer.concat([
  Buffer.from(
    "From: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\nTo: support@example.com\r\nSubject: =?UTF-8?B?44GK5ZWP44GE5ZCI44KP44Gb?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
  ),
  Buffer.from("お世話になっております。\r\n①㈱の請求書について。\r\n.ドットで始まる行\r\n", "utf8"),
  // ISO-2022-JP bytes for 日本 and Shift_JIS for テスト, raw 8-bit, must pass through unchanged.
  Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42, 0x0d, 0x0a]),
  Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x0d, 0x0a]),
]);

/** Bare LF line endings and no final line ending: sent as CRLF, with a size that counts them so. */
export const BARE_LF = Buffer.from("From: lf@example.net\nSubject: bare LF\n\nline one\nline two");
export const BARE_LF_AS_SENT = Buffer.from("From: lf@example.net\r\nSubject: bare LF\r\n\r\nline one\r\nline two\r\n");
