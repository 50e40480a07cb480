// Changes from other sessions (RFC 9051 §7.5.1, §5.5): reported at the next
// command, at once during IDLE (RFC 2177), never as EXPUNGE during a non-UID
// FETCH, STORE or SEARCH; sequence numbers consistent per session; QRESYNC
// resynchronisation with VANISHED (RFC 7162 §3.2.5).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FixtureFactory, type ImapFixture, SHARED, USERS } from "../support/imap-fixture.ts";
import { loggedIn } from "../support/logged-in.ts";
import { simpleMail } from "../support/sample-mail.ts";
import { transcript } from "../support/transcript.ts";
import type { TranscriptClient } from "../support/transcript-client.ts";

const INBOX = `Shared/${SHARED}/INBOX`;

export function syncTranscripts(factory: FixtureFactory): void {
  describe("updates between sessions", () => {
    let fixture: ImapFixture;
    let alice: TranscriptClient;
    let bob: TranscriptClient;
    beforeEach(async () => {
      fixture = await factory();
      for (const subject of ["one", "two", "three"]) await fixture.deliver(SHARED, simpleMail(subject));
      await fixture.openedElsewhere(SHARED);
      alice = await loggedIn(fixture, USERS.alice);
      bob = await loggedIn(fixture, USERS.bob);
      for (const client of [alice, bob]) expect((await client.command(`s1 SELECT ${INBOX}`)).at(-1)).toMatch(/^s1 OK/);
    });
    afterEach(async () => {
      alice.close();
      bob.close();
      await fixture.close();
    });

    it("flags set by one session reach the other at its next command", async () => {
      await transcript(
        bob,
        `C: b1 STORE 2 +FLAGS.SILENT (\\Seen $Tagged)
         S: b1 OK STORE completed`,
      );
      await transcript(
        alice,
        `C: a1 NOOP
         S: * 2 FETCH (UID 2 FLAGS (\\Seen $Tagged))
         S: a1 OK NOOP completed`,
      );
    });

    it("an expunge elsewhere is held back during FETCH, STORE and SEARCH and reported at the next NOOP", async () => {
      await transcript(
        bob,
        `C: b1 STORE 1 +FLAGS.SILENT (\\Deleted)
         S: b1 OK STORE completed
         C: b2 EXPUNGE
         S: * 1 EXPUNGE
         S: b2 OK EXPUNGE completed`,
      );
      await transcript(
        alice,
        `C: a1 FETCH 1:3 (UID RFC822.SIZE)
         S: * 2 FETCH (UID 2 RFC822.SIZE %d)
         S: * 3 FETCH (UID 3 RFC822.SIZE %d)
         S: a1 OK [EXPUNGEISSUED] FETCH completed; some messages were expunged
         C: a2 SEARCH ALL
         S: * SEARCH 2 3
         S: a2 OK SEARCH completed
         C: a3 STORE 3 +FLAGS (\\Flagged)
         S: * 3 FETCH (FLAGS (\\Flagged))
         S: a3 OK STORE completed
         C: a4 NOOP
         S: * 1 EXPUNGE
         S: a4 OK NOOP completed
         C: a5 FETCH 2 (UID FLAGS)
         S: * 2 FETCH (UID 3 FLAGS (\\Flagged))
         S: a5 OK FETCH completed`,
      );
    });

    it("UID commands may carry the held-back EXPUNGE (RFC 9051 §7.5.1)", async () => {
      await bob.command("b1 UID STORE 2 +FLAGS.SILENT (\\Deleted)");
      await bob.command("b2 UID EXPUNGE 2");
      await transcript(
        alice,
        `C: a1 UID FETCH 1:* (FLAGS)
         S: * 2 EXPUNGE
         S: * 1 FETCH (UID 1 FLAGS ())
         S: * 2 FETCH (UID 3 FLAGS ())
         S: a1 OK FETCH completed`,
      );
    });

    it("new mail shows as EXISTS at the next command", async () => {
      await fixture.deliver(SHARED, simpleMail("four"));
      await transcript(
        alice,
        `C: a1 NOOP
         S: * 4 EXISTS
         S: * 1 RECENT
         S: a1 OK NOOP completed
         C: a2 FETCH 4 (UID ENVELOPE)
         S: * 4 FETCH (UID 4 ENVELOPE ("Mon, 7 Feb 1994 21:52:25 -0800" "four" %s))
         S: a2 OK FETCH completed`,
      );
    });

    it("IDLE reports EXISTS, FETCH and EXPUNGE as they happen, until DONE (RFC 2177)", async () => {
      alice.write("a1 IDLE\r\n");
      expect(await alice.readLine()).toBe("+ idling");
      await fixture.deliver(SHARED, simpleMail("four"));
      expect(await alice.readLine()).toBe("* 4 EXISTS");
      expect(await alice.readLine()).toBe("* 1 RECENT");
      await bob.command("b1 STORE 1 +FLAGS.SILENT (\\Flagged)");
      expect(await alice.readLine()).toBe("* 1 FETCH (UID 1 FLAGS (\\Flagged))");
      await bob.command("b2 STORE 2 +FLAGS.SILENT (\\Deleted)");
      expect(await alice.readLine()).toBe("* 2 FETCH (UID 2 FLAGS (\\Deleted))");
      await bob.command("b3 EXPUNGE");
      expect(await alice.readLine()).toBe("* 2 EXPUNGE");
      alice.write("DONE\r\n");
      expect(await alice.readLine()).toBe("a1 OK IDLE terminated");
    });

    it("QRESYNC: SELECT with the last known state gets VANISHED (EARLIER) and the changed flags (RFC 7162 §3.2.5)", async () => {
      const select = await alice.command("q0 SELECT INBOX");
      expect(select.at(-1)).toMatch(/^q0 OK/);
      const shared = await alice.command(`q1 STATUS ${INBOX} (UIDVALIDITY HIGHESTMODSEQ)`);
      const [, uidValidity, modseq] = /UIDVALIDITY (\d+) HIGHESTMODSEQ (\d+)/.exec(shared[0] ?? "") ?? [];
      await bob.command("b1 STORE 3 +FLAGS.SILENT (\\Answered)");
      await bob.command("b2 STORE 1 +FLAGS.SILENT (\\Deleted)");
      await bob.command("b3 EXPUNGE");
      await transcript(
        alice,
        `C: q2 ENABLE QRESYNC
         S: * ENABLED QRESYNC
         S: q2 OK ENABLE completed
         C: q3 SELECT ${INBOX} (QRESYNC (${uidValidity} ${modseq} 1:3))
         S: * OK [CLOSED] Previous mailbox closed
         S: * FLAGS (%s)
         S: * OK [PERMANENTFLAGS (%s)] Flags permitted
         S: * 2 EXISTS
         S: * 0 RECENT
         S: * OK [UNSEEN 1] First unseen
         S: * OK [UIDVALIDITY ${uidValidity}] UIDs valid
         S: * OK [UIDNEXT 4] Predicted next UID
         S: * OK [HIGHESTMODSEQ %d] Highest
         S: * VANISHED (EARLIER) 1
         S: * 2 FETCH (UID 3 FLAGS (\\Answered) MODSEQ (%d))
         S: q3 OK [READ-WRITE] SELECT completed
         C: q4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)
         S: * VANISHED (EARLIER) 1
         S: * 2 FETCH (UID 3 FLAGS (\\Answered) MODSEQ (%d))
         S: q4 OK FETCH completed`,
      );
      await bob.command("b4 STORE 1 +FLAGS.SILENT (\\Deleted)");
      await bob.command("b5 EXPUNGE");
      await transcript(
        alice,
        `C: q5 NOOP
         S: * VANISHED 2
         S: q5 OK NOOP completed`,
      );
    });

    it("QRESYNC parameters without ENABLE QRESYNC are BAD", async () => {
      await transcript(
        alice,
        `C: a1 SELECT INBOX (QRESYNC (1 1))
         S: a1 BAD QRESYNC was not enabled
         C: a2 FETCH 1 (UID)
         S: * 1 FETCH (UID 1)
         S: a2 OK FETCH completed`,
      );
    });
  });
}
