// RFC 3501 §2.3.2 \Recent: "This session is the first session to have been
// notified about this message; if the session is read-write, subsequent
// sessions will not see \Recent set for this message." Kept for IMAP4rev1
// sessions only: RFC 9051 removed \Recent, so an IMAP4rev2 session neither
// reports nor takes it.
import { afterEach, beforeEach, describe, it } from "vitest";
import { type FixtureFactory, type ImapFixture, SHARED, USERS } from "../support/imap-fixture.ts";
import { loggedIn } from "../support/logged-in.ts";
import { simpleMail } from "../support/sample-mail.ts";
import { transcript } from "../support/transcript.ts";
import type { TranscriptClient } from "../support/transcript-client.ts";

const INBOX = `Shared/${SHARED}/INBOX`;

const opened = (
  tag: string,
  command: "SELECT" | "EXAMINE",
  exists: number,
  recent: number,
) => `C: ${tag} ${command} ${INBOX}
  S: * FLAGS (%s)
  S: * OK [PERMANENTFLAGS (%s)] Flags permitted
  S: * ${exists} EXISTS
  S: * ${recent} RECENT
  S: * OK [UNSEEN 1] First unseen
  S: * OK [UIDVALIDITY %d] UIDs valid
  S: * OK [UIDNEXT %d] Predicted next UID
  S: * OK [HIGHESTMODSEQ %d] Highest
  S: ${tag} OK [READ-${command === "SELECT" ? "WRITE" : "ONLY"}] ${command} completed`;

export function recentTranscripts(factory: FixtureFactory): void {
  describe("\\Recent (RFC 3501 §2.3.2)", () => {
    let fixture: ImapFixture;
    let alice: TranscriptClient;
    let bob: TranscriptClient;
    beforeEach(async () => {
      fixture = await factory();
      for (const subject of ["one", "two"]) await fixture.deliver(SHARED, simpleMail(subject));
      alice = await loggedIn(fixture, USERS.alice);
      bob = await loggedIn(fixture, USERS.bob);
    });
    afterEach(async () => {
      alice.close();
      bob.close();
      await fixture.close();
    });

    it("new mail is \\Recent in the first read-write session only; EXAMINE looks without taking it", async () => {
      await transcript(
        bob,
        `C: b1 STATUS ${INBOX} (MESSAGES RECENT)
         S: * STATUS ${INBOX} (MESSAGES 2 RECENT 2)
         S: b1 OK STATUS completed
         ${opened("b2", "EXAMINE", 2, 2)}
         C: b3 FETCH 1:* (FLAGS)
         S: * 1 FETCH (FLAGS (\\Recent))
         S: * 2 FETCH (FLAGS (\\Recent))
         S: b3 OK FETCH completed
         C: b4 UNSELECT
         S: b4 OK UNSELECT completed`,
      );
      await transcript(
        alice,
        `${opened("a1", "SELECT", 2, 2)}
         C: a2 SEARCH RECENT
         S: * SEARCH 1 2
         S: a2 OK SEARCH completed
         C: a3 STORE 1 +FLAGS (\\Seen)
         S: * 1 FETCH (FLAGS (\\Seen \\Recent))
         S: a3 OK STORE completed
         C: a4 SEARCH NEW
         S: * SEARCH 2
         S: a4 OK SEARCH completed
         C: a5 SEARCH OLD
         S: * SEARCH
         S: a5 OK SEARCH completed`,
      );
      // Alice's session took them: nobody else sees them as recent, not even Alice again.
      await transcript(
        bob,
        `C: b5 STATUS ${INBOX} (RECENT)
         S: * STATUS ${INBOX} (RECENT 0)
         S: b5 OK STATUS completed
         C: b6 SELECT ${INBOX}
         S: * FLAGS (%s)
         S: * OK [PERMANENTFLAGS (%s)] Flags permitted
         S: * 2 EXISTS
         S: * 0 RECENT
         S: * OK [UNSEEN 2] First unseen
         S: * OK [UIDVALIDITY %d] UIDs valid
         S: * OK [UIDNEXT %d] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: b6 OK [READ-WRITE] SELECT completed
         C: b7 FETCH 1:* (FLAGS)
         S: * 1 FETCH (FLAGS (\\Seen))
         S: * 2 FETCH (FLAGS ())
         S: b7 OK FETCH completed
         C: b8 SEARCH RECENT
         S: * SEARCH
         S: b8 OK SEARCH completed`,
      );
    });

    it("mail arriving while two sessions are selected is \\Recent in the one told first", async () => {
      await fixture.openedElsewhere(SHARED);
      await alice.command(`a1 SELECT ${INBOX}`);
      await bob.command(`b1 SELECT ${INBOX}`);
      await fixture.deliver(SHARED, simpleMail("three"));
      await transcript(
        bob,
        `C: b2 NOOP
         S: * 3 EXISTS
         S: * 1 RECENT
         S: b2 OK NOOP completed
         C: b3 FETCH 3 (FLAGS)
         S: * 3 FETCH (FLAGS (\\Recent))
         S: b3 OK FETCH completed`,
      );
      await transcript(
        alice,
        `C: a2 NOOP
         S: * 3 EXISTS
         S: * 0 RECENT
         S: a2 OK NOOP completed
         C: a3 FETCH 3 (FLAGS)
         S: * 3 FETCH (FLAGS ())
         S: a3 OK FETCH completed`,
      );
      // An expunge takes the flag with the message.
      await transcript(
        bob,
        `C: b4 STORE 3 +FLAGS.SILENT (\\Deleted)
         S: b4 OK STORE completed
         C: b5 EXPUNGE
         S: * 3 EXPUNGE
         S: b5 OK EXPUNGE completed
         C: b6 SEARCH RECENT
         S: * SEARCH
         S: b6 OK SEARCH completed`,
      );
    });

    it("an IMAP4rev2 session neither reports \\Recent nor takes it from IMAP4rev1 sessions (RFC 9051 appendix E)", async () => {
      await transcript(
        alice,
        `C: e1 ENABLE IMAP4rev2
         S: * ENABLED IMAP4rev2
         S: e1 OK ENABLE completed
         C: e2 SELECT ${INBOX}
         S: * FLAGS (%s)
         S: * OK [PERMANENTFLAGS (%s)] Flags permitted
         S: * 2 EXISTS
         S: * OK [UIDVALIDITY %d] UIDs valid
         S: * OK [UIDNEXT %d] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: * LIST () "/" ${INBOX}
         S: e2 OK [READ-WRITE] SELECT completed
         C: e3 FETCH 1:* (FLAGS)
         S: * 1 FETCH (FLAGS ())
         S: * 2 FETCH (FLAGS ())
         S: e3 OK FETCH completed`,
      );
      await fixture.deliver(SHARED, simpleMail("three"));
      await transcript(
        alice,
        `C: e4 NOOP
         S: * 3 EXISTS
         S: e4 OK NOOP completed`,
      );
      await transcript(bob, opened("b1", "SELECT", 3, 3));
    });
  });
}
