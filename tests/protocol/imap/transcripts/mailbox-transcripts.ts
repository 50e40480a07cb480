// Authenticated-state commands (RFC 9051 §6.3): SELECT/EXAMINE, CREATE,
// DELETE, RENAME, SUBSCRIBE, LIST (LIST-EXTENDED, LIST-STATUS,
// SPECIAL-USE), LSUB, NAMESPACE, STATUS, APPEND (MULTIAPPEND, UIDPLUS,
// APPENDLIMIT), GETQUOTA/GETQUOTAROOT.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IMAP_APPEND_LIMIT_BYTES } from "../../../../server/limits.ts";
import { type FixtureFactory, type ImapFixture, SHARED, USERS } from "../support/imap-fixture.ts";
import { loggedIn } from "../support/logged-in.ts";
import { RFC_EXAMPLE, simpleMail } from "../support/sample-mail.ts";
import { transcript } from "../support/transcript.ts";
import type { TranscriptClient } from "../support/transcript-client.ts";

export function mailboxTranscripts(factory: FixtureFactory): void {
  describe("mailbox commands", () => {
    let fixture: ImapFixture;
    let client: TranscriptClient;
    beforeEach(async () => {
      fixture = await factory();
      client = await loggedIn(fixture);
    });
    afterEach(async () => {
      client.close();
      await fixture.close();
    });

    it("SELECT reports flags, counts, UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ (RFC 9051 §6.3.2, RFC 7162 §3.1.2.1)", async () => {
      await fixture.deliver(USERS.alice.email, RFC_EXAMPLE, { flags: ["\\Seen"] });
      await fixture.deliver(USERS.alice.email, simpleMail("second"), { flags: ["$Forwarded"] });
      await transcript(
        client,
        `C: A142 SELECT INBOX
         S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)
         S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted
         S: * 2 EXISTS
         S: * 2 RECENT
         S: * OK [UNSEEN 2] First unseen
         S: * OK [UIDVALIDITY %d] UIDs valid
         S: * OK [UIDNEXT 3] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: A142 OK [READ-WRITE] SELECT completed
         C: A932 EXAMINE INBOX
         S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)
         S: * OK [PERMANENTFLAGS ()] Flags permitted
         S: * 2 EXISTS
         S: * 0 RECENT
         S: * OK [UNSEEN 2] First unseen
         S: * OK [UIDVALIDITY %d] UIDs valid
         S: * OK [UIDNEXT 3] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: A932 OK [READ-ONLY] EXAMINE completed
         C: A1 SELECT nosuch
         S: A1 NO [NONEXISTENT] No such mailbox
         C: A2 FETCH 1 FLAGS
         S: A2 BAD FETCH not allowed now: No mailbox selected`,
      );
    });

    it("IMAP4rev2 SELECT: no RECENT or UNSEEN, a LIST response, [CLOSED] when switching (RFC 9051 §6.3.2)", async () => {
      await transcript(
        client,
        `C: e1 ENABLE IMAP4rev2
         S: * ENABLED IMAP4rev2
         S: e1 OK ENABLE completed
         C: A142 SELECT INBOX
         S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
         S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted
         S: * 0 EXISTS
         S: * OK [UIDVALIDITY %d] UIDs valid
         S: * OK [UIDNEXT 1] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: * LIST () "/" INBOX
         S: A142 OK [READ-WRITE] SELECT completed
         C: A143 SELECT Sent
         S: * OK [CLOSED] Previous mailbox closed
         S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
         S: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted
         S: * 0 EXISTS
         S: * OK [UIDVALIDITY %d] UIDs valid
         S: * OK [UIDNEXT 1] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: * LIST () "/" Sent
         S: A143 OK [READ-WRITE] SELECT completed`,
      );
    });

    it("CREATE, RENAME with children, DELETE (RFC 9051 §6.3.4-6)", async () => {
      await transcript(
        client,
        `C: A003 CREATE owatagusiam/
         S: A003 OK CREATE completed
         C: A004 CREATE owatagusiam/blurdybloop
         S: A004 OK CREATE completed
         C: A005 CREATE owatagusiam
         S: A005 NO [ALREADYEXISTS] Mailbox already exists
         C: A006 CREATE INBOX
         S: A006 NO [ALREADYEXISTS] INBOX always exists
         C: A682 LIST "" owatagusiam*
         S: * LIST (\\HasChildren) "/" owatagusiam
         S: * LIST (\\HasNoChildren) "/" owatagusiam/blurdybloop
         S: A682 OK LIST completed
         C: A683 RENAME owatagusiam sarasoop
         S: A683 OK RENAME completed
         C: A684 LIST "" sarasoop/%
         S: * LIST (\\HasNoChildren) "/" sarasoop/blurdybloop
         S: A684 OK LIST completed
         C: A685 DELETE sarasoop
         S: A685 NO [INUSE] Mailbox has children; delete them first
         C: A686 DELETE sarasoop/blurdybloop
         S: A686 OK DELETE completed
         C: A687 DELETE sarasoop
         S: A687 OK DELETE completed
         C: A688 DELETE sarasoop
         S: A688 NO [NONEXISTENT] No such mailbox
         C: A689 DELETE INBOX
         S: A689 NO [CANNOT] INBOX cannot be deleted
         C: A690 CREATE Shared/nobody@example.com/x
         S: A690 NO [CANNOT] Cannot create a mailbox there`,
      );
    });

    it("mailbox names are modified UTF-7 for IMAP4rev1 and UTF-8 after ENABLE UTF8=ACCEPT (RFC 3501 §5.1.3, RFC 6855)", async () => {
      await transcript(
        client,
        `C: a1 CREATE "&ZeVnLIqe-"
         S: a1 OK CREATE completed
         C: a2 LIST "" "&ZeVnLIqe-"
         S: * LIST (\\HasNoChildren) "/" &ZeVnLIqe-
         S: a2 OK LIST completed
         C: a3 ENABLE UTF8=ACCEPT
         S: * ENABLED UTF8=ACCEPT
         S: a3 OK ENABLE completed
         C: a4 LIST "" "日本語"
         S: * LIST (\\HasNoChildren) "/" "日本語"
         S: a4 OK LIST completed`,
      );
    });

    it("LIST with %, special-use, shared namespace, and LIST-EXTENDED options (RFC 9051 §6.3.9, RFC 5258, RFC 6154)", async () => {
      await transcript(
        client,
        `C: A101 LIST "" ""
         S: * LIST (\\Noselect) "/" ""
         S: A101 OK LIST completed
         C: A102 LIST "" %
         S: * LIST (\\HasNoChildren) "/" INBOX
         S: * LIST (\\HasNoChildren \\Archive) "/" Archive
         S: * LIST (\\HasNoChildren \\Drafts) "/" Drafts
         S: * LIST (\\HasNoChildren \\Junk) "/" Junk
         S: * LIST (\\HasNoChildren \\Sent) "/" Sent
         S: * LIST (\\Noselect \\HasChildren) "/" Shared
         S: * LIST (\\HasNoChildren \\Trash) "/" Trash
         S: A102 OK LIST completed
         C: A103 LIST "Shared/" %
         S: * LIST (\\Noselect \\HasChildren) "/" Shared/${SHARED}
         S: A103 OK LIST completed
         C: A104 LIST (SPECIAL-USE) "Shared/${SHARED}/" *
         S: * LIST (\\HasNoChildren \\Archive) "/" Shared/${SHARED}/Archive
         S: * LIST (\\HasNoChildren \\Drafts) "/" Shared/${SHARED}/Drafts
         S: * LIST (\\HasNoChildren \\Junk) "/" Shared/${SHARED}/Junk
         S: * LIST (\\HasNoChildren \\Sent) "/" Shared/${SHARED}/Sent
         S: * LIST (\\HasNoChildren \\Trash) "/" Shared/${SHARED}/Trash
         S: A104 OK LIST completed
         C: A105 LIST "" (INBOX Sent) RETURN (SUBSCRIBED CHILDREN STATUS (MESSAGES UIDNEXT))
         S: * LIST (\\HasNoChildren \\Subscribed) "/" INBOX
         S: * STATUS INBOX (MESSAGES 0 UIDNEXT 1)
         S: * LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent
         S: * STATUS Sent (MESSAGES 0 UIDNEXT 1)
         S: A105 OK LIST completed
         C: A106 LIST (RECURSIVEMATCH) "" %
         S: A106 BAD RECURSIVEMATCH needs another selection option`,
      );
    });

    it("SUBSCRIBE, UNSUBSCRIBE, LSUB and LIST (SUBSCRIBED RECURSIVEMATCH) (RFC 9051 §6.3.7-8, RFC 5258 §5)", async () => {
      await transcript(
        client,
        `C: a0 CREATE news/comp/mail
         S: a0 OK CREATE completed
         C: a1 SUBSCRIBE news/comp/mail
         S: a1 OK SUBSCRIBE completed
         C: a2 UNSUBSCRIBE Junk
         S: a2 OK UNSUBSCRIBE completed
         C: a3 LSUB "" news/%
         S: * LSUB (\\Noselect) "/" news/comp
         S: a3 OK LSUB completed
         C: a4 LSUB "news/comp/" *
         S: * LSUB () "/" news/comp/mail
         S: a4 OK LSUB completed
         C: a5 LIST (SUBSCRIBED RECURSIVEMATCH) "" news/%
         S: * LIST (\\NonExistent \\HasChildren) "/" news/comp ("CHILDINFO" ("SUBSCRIBED"))
         S: a5 OK LIST completed
         C: a6 SUBSCRIBE nosuch
         S: a6 NO [NONEXISTENT] No such mailbox`,
      );
    });

    it("NAMESPACE: personal at the root, shared mailboxes under Shared/ (RFC 2342)", async () => {
      await transcript(
        client,
        `C: A001 NAMESPACE
         S: * NAMESPACE (("" "/")) NIL (("Shared/" "/"))
         S: A001 OK NAMESPACE completed`,
      );
    });

    it("STATUS (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ, RFC 7889 APPENDLIMIT)", async () => {
      await fixture.deliver(USERS.alice.email, RFC_EXAMPLE);
      await fixture.deliver(USERS.alice.email, RFC_EXAMPLE, { flags: ["\\Seen", "\\Deleted"] });
      const size = Buffer.byteLength(RFC_EXAMPLE) * 2;
      await transcript(
        client,
        `C: A042 STATUS INBOX (MESSAGES UNSEEN DELETED SIZE UIDNEXT RECENT APPENDLIMIT)
         S: * STATUS INBOX (MESSAGES 2 UNSEEN 1 DELETED 1 SIZE ${size} UIDNEXT 3 RECENT 2 APPENDLIMIT ${IMAP_APPEND_LIMIT_BYTES})
         S: A042 OK STATUS completed
         C: A043 STATUS Shared/${SHARED}/INBOX (MESSAGES HIGHESTMODSEQ)
         S: * STATUS Shared/${SHARED}/INBOX (MESSAGES 0 HIGHESTMODSEQ 1)
         S: A043 OK STATUS completed
         C: A044 STATUS nosuch (MESSAGES)
         S: A044 NO [NONEXISTENT] No such mailbox
         C: A045 STATUS INBOX (BOGUS)
         S: A045 BAD Unknown status item BOGUS`,
      );
    });

    it("a shared mailbox of which the user is not a member answers like one that does not exist", async () => {
      client.close();
      client = await loggedIn(fixture, USERS.carol);
      await transcript(
        client,
        `C: a1 SELECT Shared/${SHARED}/INBOX
         S: a1 NO [NONEXISTENT] No such mailbox
         C: a2 SELECT Shared/nobody@example.com/INBOX
         S: a2 NO [NONEXISTENT] No such mailbox
         C: a3 LIST "" Shared*
         S: a3 OK LIST completed`,
      );
    });

    it("APPEND with flags and date, APPENDUID, then MULTIAPPEND (RFC 9051 §6.3.12, RFC 4315, RFC 3502)", async () => {
      const message = RFC_EXAMPLE;
      client.write(`A003 APPEND saved-messages (\\Seen) {${Buffer.byteLength(message)}}\r\n`);
      expect(await client.readLine()).toBe("+ Ready for literal data");
      client.write(`${message}\r\n`);
      expect(await client.readLine()).toBe("A003 NO [TRYCREATE] No such mailbox");
      await transcript(
        client,
        `C: A004 CREATE saved-messages
         S: A004 OK CREATE completed`,
      );
      client.write(
        `A005 APPEND saved-messages (\\Seen $Work) "05-Jan-2024 10:00:00 +0100" {${Buffer.byteLength(message)}+}\r\n${message}\r\n`,
      );
      expect(await client.readLine()).toMatch(/^A005 OK \[APPENDUID \d+ 1\] APPEND completed$/);
      client.write(`A006 APPEND saved-messages {3+}\r\nab\n {3+}\r\ncd\n\r\n`);
      expect(await client.readLine()).toMatch(/^A006 OK \[APPENDUID \d+ 2:3\] APPEND completed$/);
      await transcript(
        client,
        `C: A007 SELECT saved-messages
         S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)
         S: %s
         S: * 3 EXISTS
         S: %s
         S: %s
         S: %s
         S: * OK [UIDNEXT 4] Predicted next UID
         S: %s
         S: A007 OK [READ-WRITE] SELECT completed
         C: A008 FETCH 1 (FLAGS INTERNALDATE)
         S: * 1 FETCH (FLAGS (\\Seen $Work \\Recent) INTERNALDATE " 5-Jan-2024 09:00:00 +0000")
         S: A008 OK FETCH completed`,
      );
    });

    it("APPEND beyond APPENDLIMIT is NO [TOOBIG] before any data is sent (RFC 7889 §4)", async () => {
      await transcript(
        client,
        `C: a1 APPEND INBOX {${IMAP_APPEND_LIMIT_BYTES + 1}}
         S: a1 NO [TOOBIG] Message larger than APPENDLIMIT ${IMAP_APPEND_LIMIT_BYTES}
         C: a2 NOOP
         S: a2 OK NOOP completed`,
      );
    });

    it("APPEND over quota is NO [OVERQUOTA]; GETQUOTAROOT and GETQUOTA report usage (RFC 9208)", async () => {
      await fixture.setQuota(USERS.alice.email, { bytes: 4096, messages: 1 });
      await fixture.deliver(USERS.alice.email, RFC_EXAMPLE);
      client.write("a1 APPEND INBOX {5+}\r\nhello\r\n");
      expect(await client.readLine()).toBe("a1 NO [OVERQUOTA] Mailbox is full");
      await transcript(
        client,
        `C: a2 GETQUOTAROOT INBOX
         S: * QUOTAROOT INBOX ${USERS.alice.email}
         S: * QUOTA ${USERS.alice.email} (STORAGE 1 4 MESSAGE 1 1)
         S: a2 OK GETQUOTAROOT completed
         C: a3 GETQUOTA ${USERS.alice.email}
         S: * QUOTA ${USERS.alice.email} (STORAGE 1 4 MESSAGE 1 1)
         S: a3 OK GETQUOTA completed
         C: a4 GETQUOTA ${SHARED}
         S: a4 NO [NONEXISTENT] No such quota root
         C: a5 SETQUOTA ${USERS.alice.email} (STORAGE 1)
         S: a5 NO [NOPERM] Quotas are set by an administrator`,
      );
    });
  });
}
