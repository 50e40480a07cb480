// Messages the transcripts deliver, shaped after RFC 9051's examples.

export const RFC_EXAMPLE = [
  "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
  "From: Terry Gray <gray@cac.washington.edu>",
  "Subject: IMAP4rev1 WG mtg summary and minutes",
  "To: imap@cac.washington.edu",
  "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>",
  "Message-Id: <B27397-0100000@cac.washington.edu>",
  "MIME-Version: 1.0",
  "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
  "",
  "Hello Joe, do you think we can meet at 3:30 tomorrow?",
  "",
].join("\r\n");

export function simpleMail(subject: string, body = "Hello", from = "Bob <bob@example.com>"): string {
  return [
    `From: ${from}`,
    "To: alice@example.com",
    `Subject: ${subject}`,
    "Date: Mon, 7 Feb 1994 21:52:25 -0800",
    "",
    body,
    "",
  ].join("\r\n");
}

export const MULTIPART = [
  "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>",
  "To: alice@example.com",
  "Subject: =?UTF-8?B?6KaL56mN44KC44KK?=",
  "Date: Tue, 1 Apr 2025 09:00:00 +0900",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="b1"',
  "",
  "preamble",
  "--b1",
  "Content-Type: text/plain; charset=ISO-2022-JP",
  "Content-Transfer-Encoding: 7bit",
  "",
  "\x1b$B8+@Q$j$r$*Aw$j$7$^$9\x1b(B",
  "--b1",
  "Content-Type: application/pdf; name=quote.pdf",
  "Content-Disposition: attachment; filename=quote.pdf",
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERi0xLjQKAAEC",
  "--b1--",
  "",
].join("\r\n");
