// Selected-state commands (RFC 9051 §6.4): FETCH, STORE, SEARCH, COPY,
// MOVE, EXPUNGE, UID EXPUNGE, CLOSE, UNSELECT, with the extensions that
// change their answers (CONDSTORE, ESEARCH, SEARCHRES, UIDPLUS, BINARY).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FixtureFactory, type ImapFixture, USERS } from "../support/imap-fixture.ts";
import { loggedIn } from "../support/logged-in.ts";
import { MULTIPART, RFC_EXAMPLE, simpleMail } from "../support/sample-mail.ts";
import { transcript } from "../support/transcript.ts";
import type { TranscriptClient } from "../support/transcript-client.ts";

const SELECTED = (exists: number) => `C: s1 SELECT INBOX
  S: * FLAGS (%s)
  S: * OK [PERMANENTFLAGS (%s)] Flags permitted
  S: * ${exists} EXISTS
  S: * 0 RECENT
  ${exists > 0 ? "S: * OK [UNSEEN %d] First unseen" : ""}
  S: * OK [UIDVALIDITY %d] UIDs valid
  S: * OK [UIDNEXT %d] Predicted next UID
  S: * OK [HIGHESTMODSEQ %d] Highest
  S: s1 OK [READ-WRITE] SELECT completed`;

export function messageTranscripts(factory: FixtureFactory): void {
  describe("message commands", () => {
    let fixture: ImapFixture;
    let client: TranscriptClient;
    const size = Buffer.byteLength(RFC_EXAMPLE);
    beforeEach(async () => {
      fixture = await factory();
      await fixture.deliver(USERS.alice.email, RFC_EXAMPLE, { date: new Date("1996-07-17T09:44:25Z") });
      await fixture.deliver(USERS.alice.email, MULTIPART);
      await fixture.deliver(USERS.alice.email, simpleMail("third", "tomorrow"), { flags: ["\\Flagged"] });
      await fixture.openedElsewhere(USERS.alice.email);
      client = await loggedIn(fixture);
      await transcript(client, SELECTED(3));
    });
    afterEach(async () => {
      client.close();
      await fixture.close();
    });

    it("FETCH FLAGS INTERNALDATE RFC822.SIZE ENVELOPE as in RFC 9051 §6.4.5", async () => {
      await transcript(
        client,
        `C: a003 FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
         S: * 1 FETCH (FLAGS () INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE ${size} ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US") ("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>"))
         S: a003 OK FETCH completed
         C: a004 FETCH 1 FAST
         S: * 1 FETCH (FLAGS () INTERNALDATE "17-Jul-1996 09:44:25 +0000" RFC822.SIZE ${size})
         S: a004 OK FETCH completed
         C: a005 FETCH 4 FLAGS
         S: a005 BAD Invalid message sequence number`,
      );
    });

    it("BODYSTRUCTURE and BODY of a multipart message (RFC 9051 §7.5.2)", async () => {
      await transcript(
        client,
        `C: a1 FETCH 2 BODYSTRUCTURE
         S: * 2 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "ISO-2022-JP") NIL NIL "7BIT" 26 1 NIL NIL NIL NIL) ("APPLICATION" "PDF" ("NAME" "quote.pdf") NIL NIL "BASE64" 16 NIL ("ATTACHMENT" ("FILENAME" "quote.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL))
         S: a1 OK FETCH completed
         C: a2 FETCH 1 BODY
         S: * 1 FETCH (BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1))
         S: a2 OK FETCH completed`,
      );
    });

    it("BODY.PEEK leaves \\Seen alone; BODY[] sets it and returns FLAGS (RFC 9051 §6.4.5)", async () => {
      await transcript(
        client,
        `C: a1 FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject)]
         S: * 1 FETCH (BODY[HEADER.FIELDS (Subject)] {%d}
         S: Subject: IMAP4rev1 WG mtg summary and minutes
         S:
         S: )
         S: a1 OK FETCH completed
         C: a2 FETCH 1 (FLAGS)
         S: * 1 FETCH (FLAGS ())
         S: a2 OK FETCH completed
         C: a3 FETCH 1 BODY[TEXT]<0.10>
         S: * 1 FETCH (BODY[TEXT]<0> {10}
         S: Hello Joe, FLAGS (\\Seen))
         S: a3 OK FETCH completed
         C: a4 FETCH 1 (BODY[TEXT]<53.100>)
         S: * 1 FETCH (BODY[TEXT]<53> {2}
         S:
         S: )
         S: a4 OK FETCH completed`,
      );
    });

    it("sections of a multipart message, MIME headers, BINARY decoding and BINARY.SIZE (RFC 3516)", async () => {
      const binary = await client.command("a1 UID FETCH 2 (BINARY.PEEK[2] BINARY.SIZE[2])");
      expect(binary).toEqual([
        "* 2 FETCH (UID 2 BINARY[2] ~{12}\r\n%PDF-1.4\n\0\x01\x02 BINARY.SIZE[2] 12)",
        "a1 OK FETCH completed",
      ]);
      await transcript(
        client,
        `C: a0 FETCH 2 BODY.PEEK[2.MIME]
         S: * 2 FETCH (BODY[2.MIME] {%d}
         S: Content-Type: application/pdf; name=quote.pdf
         S: Content-Disposition: attachment; filename=quote.pdf
         S: Content-Transfer-Encoding: base64
         S:
         S: )
         S: a0 OK FETCH completed
         C: a2 FETCH 2 BODY.PEEK[3]
         S: * 2 FETCH (BODY[3] {0}
         S: )
         S: a2 OK FETCH completed
         C: a3 FETCH 2 BODY.PEEK[1.1]
         S: * 2 FETCH (BODY[1.1] {0}
         S: )
         S: a3 OK FETCH completed`,
      );
    });

    it("STORE +FLAGS, -FLAGS, FLAGS.SILENT, and UID STORE (RFC 9051 §6.4.6)", async () => {
      await transcript(
        client,
        `C: A003 STORE 2:3 +FLAGS (\\Deleted)
         S: * 2 FETCH (FLAGS (\\Deleted))
         S: * 3 FETCH (FLAGS (\\Flagged \\Deleted))
         S: A003 OK STORE completed
         C: A004 STORE 3 -FLAGS.SILENT (\\Flagged)
         S: A004 OK STORE completed
         C: A005 UID STORE 1 FLAGS ($Label1 \\Answered)
         S: * 1 FETCH (UID 1 FLAGS ($Label1 \\Answered))
         S: A005 OK STORE completed
         C: A006 STORE 1 +FLAGS (\\Recent)
         S: A006 BAD Cannot set flag \\Recent`,
      );
    });

    it("a1 UID STORE 1:* +FLAGS (\\Deleted), then EXPUNGE reports each message (RFC 9051 §6.4.3)", async () => {
      await transcript(
        client,
        `C: a1 UID STORE 1:* +FLAGS (\\Deleted)
         S: * 1 FETCH (UID 1 FLAGS (\\Deleted))
         S: * 2 FETCH (UID 2 FLAGS (\\Deleted))
         S: * 3 FETCH (UID 3 FLAGS (\\Flagged \\Deleted))
         S: a1 OK STORE completed
         C: a2 EXPUNGE
         S: * 1 EXPUNGE
         S: * 1 EXPUNGE
         S: * 1 EXPUNGE
         S: a2 OK EXPUNGE completed
         C: a3 FETCH 1 FLAGS
         S: a3 BAD Invalid message sequence number`,
      );
    });

    it("UID EXPUNGE removes only the named \\Deleted messages (RFC 4315 §2.1)", async () => {
      await transcript(
        client,
        `C: A003 STORE 1:3 +FLAGS.SILENT (\\Deleted)
         S: A003 OK STORE completed
         C: A004 UID EXPUNGE 2:4
         S: * 2 EXPUNGE
         S: * 2 EXPUNGE
         S: A004 OK EXPUNGE completed
         C: A005 UID SEARCH ALL
         S: * SEARCH 1
         S: A005 OK SEARCH completed`,
      );
    });

    it("STORE with UNCHANGEDSINCE reports [MODIFIED] and MODSEQ (RFC 7162 §3.1.3)", async () => {
      const lines = await client.command("m1 FETCH 1:3 (MODSEQ)");
      const modseqs = lines.slice(0, 3).map((line) => Number(/MODSEQ \((\d+)\)/.exec(line)?.[1]));
      const [first = 0, second = 0] = modseqs;
      await transcript(
        client,
        `C: m2 STORE 1 +FLAGS (\\Seen)
         S: * 1 FETCH (FLAGS (\\Seen) MODSEQ (%d))
         S: m2 OK STORE completed
         C: m3 STORE 1:2 (UNCHANGEDSINCE ${Math.max(first, second)}) +FLAGS (\\Answered)
         S: * 2 FETCH (FLAGS (\\Answered) MODSEQ (%d))
         S: m3 OK [MODIFIED 1] Conditional STORE failed for some messages
         C: m4 UID STORE 3 (UNCHANGEDSINCE 0) +FLAGS (\\Seen)
         S: m4 OK [MODIFIED 3] Conditional STORE failed for some messages`,
      );
    });

    it("SEARCH: flags, dates, size, headers, text, OR/NOT/parentheses, sequence and UID sets (RFC 9051 §6.4.4)", async () => {
      await transcript(
        client,
        `C: A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
         S: * SEARCH 3
         S: A282 OK SEARCH completed
         C: A283 SEARCH TEXT "tomorrow"
         S: * SEARCH 1 3
         S: A283 OK SEARCH completed
         C: A284 SEARCH OR (SUBJECT mtg SENTON 17-Jul-1996) (HEADER Content-Type multipart)
         S: * SEARCH 1 2
         S: A284 OK SEARCH completed
         C: A285 UID SEARCH 2:* NOT UID 3 LARGER 10 UNSEEN
         S: * SEARCH 2
         S: A285 OK SEARCH completed
         C: A286 SEARCH BEFORE 1-Jan-1997 SMALLER 100000 cc klensin
         S: * SEARCH 1
         S: A286 OK SEARCH completed
         C: A287 SEARCH CHARSET X-UNKNOWN TEXT x
         S: A287 NO [BADCHARSET (UTF-8 US-ASCII ISO-2022-JP SHIFT_JIS EUC-JP)] Unsupported charset X-UNKNOWN
         C: A288 SEARCH FROBNICATE
         S: A288 BAD Unknown search key FROBNICATE
         C: A289 SEARCH NOT NOT NOT ALL
         S: * SEARCH
         S: A289 OK SEARCH completed`,
      );
    });

    it("SEARCH CHARSET UTF-8 finds Japanese text in ISO-2022-JP mail and encoded-word subjects", async () => {
      const word = Buffer.from("見積", "utf8");
      client.write(`a1 SEARCH CHARSET UTF-8 BODY {${word.length}}\r\n`);
      expect(await client.readLine()).toBe("+ Ready for literal data");
      client.write(Buffer.concat([word, Buffer.from("\r\n")]));
      expect(await client.until("a1")).toEqual(["* SEARCH 2", "a1 OK SEARCH completed"]);
      await transcript(
        client,
        `C: a2 SEARCH SUBJECT "見積もり"
         S: * SEARCH 2
         S: a2 OK SEARCH completed
         C: a3 SEARCH FROM 山田
         S: * SEARCH 2
         S: a3 OK SEARCH completed`,
      );
    });

    it("ESEARCH with RETURN, SAVE and $ (RFC 4731, RFC 5182)", async () => {
      await transcript(
        client,
        `C: A282 SEARCH RETURN (MIN COUNT) FLAGGED
         S: * ESEARCH (TAG "A282") MIN 3 COUNT 1
         S: A282 OK SEARCH completed
         C: A283 UID SEARCH RETURN () ALL
         S: * ESEARCH (TAG "A283") UID ALL 1:3
         S: A283 OK SEARCH completed
         C: A284 SEARCH RETURN (COUNT) DELETED
         S: * ESEARCH (TAG "A284") COUNT 0
         S: A284 OK SEARCH completed
         C: A285 UID SEARCH RETURN (SAVE) NOT FLAGGED
         S: A285 OK SEARCH completed, result saved
         C: A286 UID FETCH $ (FLAGS)
         S: * 1 FETCH (UID 1 FLAGS ())
         S: * 2 FETCH (UID 2 FLAGS ())
         S: A286 OK FETCH completed
         C: A287 SEARCH RETURN (MAX) $ SEEN
         S: * ESEARCH (TAG "A287")
         S: A287 OK SEARCH completed`,
      );
    });

    it("SEARCH MODSEQ returns the highest modseq (RFC 7162 §3.1.5)", async () => {
      await transcript(
        client,
        `C: a1 SEARCH MODSEQ 1
         S: * SEARCH 1 2 3 (MODSEQ %d)
         S: a1 OK SEARCH completed`,
      );
    });

    it("COPY with COPYUID, TRYCREATE for a missing target (RFC 9051 §6.4.7, RFC 4315 §3)", async () => {
      await transcript(
        client,
        `C: A003 COPY 2:3 MEETING
         S: A003 NO [TRYCREATE] No such mailbox
         C: A004 CREATE MEETING
         S: A004 OK CREATE completed
         C: A005 COPY 2:3 MEETING
         S: A005 OK [COPYUID %d 2:3 1:2] COPY completed
         C: A006 UID COPY 1,3 Shared/support@example.com/INBOX
         S: A006 OK [COPYUID %d 1,3 1:2] COPY completed
         C: A007 STATUS MEETING (MESSAGES)
         S: * STATUS MEETING (MESSAGES 2)
         S: A007 OK STATUS completed`,
      );
    });

    it("MOVE: COPYUID untagged, then EXPUNGE per message (RFC 6851 §4.3)", async () => {
      await transcript(
        client,
        `C: a UID MOVE 1:2 Trash
         S: * OK [COPYUID %d 1:2 1:2] Moved
         S: * 1 EXPUNGE
         S: * 1 EXPUNGE
         S: a OK MOVE completed
         C: b MOVE 1 Nowhere
         S: b NO [TRYCREATE] No such mailbox
         C: c FETCH 1:* UID
         S: * 1 FETCH (UID 3)
         S: c OK FETCH completed`,
      );
    });

    it("CLOSE expunges silently; UNSELECT does not (RFC 9051 §6.4.1, §6.4.2)", async () => {
      await transcript(
        client,
        `C: a1 STORE 1 +FLAGS.SILENT (\\Deleted)
         S: a1 OK STORE completed
         C: a2 UNSELECT
         S: a2 OK UNSELECT completed
         C: a3 STATUS INBOX (MESSAGES)
         S: * STATUS INBOX (MESSAGES 3)
         S: a3 OK STATUS completed
         ${SELECTED(3).replaceAll("s1", "a4")}
         C: a5 CLOSE
         S: a5 OK CLOSE completed
         C: a6 STATUS INBOX (MESSAGES)
         S: * STATUS INBOX (MESSAGES 2)
         S: a6 OK STATUS completed
         C: a7 CLOSE
         S: a7 BAD CLOSE not allowed now: No mailbox selected`,
      );
    });

    it("EXAMINE is read-only: no STORE, no EXPUNGE, no implicit \\Seen (RFC 9051 §6.3.3)", async () => {
      await client.command("e1 EXAMINE INBOX");
      await transcript(
        client,
        `C: a1 STORE 1 +FLAGS (\\Seen)
         S: a1 NO Mailbox is read-only
         C: a2 FETCH 1 BODY[TEXT]<0.5>
         S: * 1 FETCH (BODY[TEXT]<0> {5}
         S: Hello)
         S: a2 OK FETCH completed
         C: a3 EXPUNGE
         S: a3 NO Mailbox is read-only`,
      );
    });
  });
}
