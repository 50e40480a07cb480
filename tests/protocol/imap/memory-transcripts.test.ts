// The transcripts against the in-memory backend. The PostgreSQL adapter's
// test file will call the same functions with its own fixture factory.
import { memoryFixture } from "./support/imap-fixture.ts";
import { mailboxTranscripts } from "./transcripts/mailbox-transcripts.ts";
import { messageTranscripts } from "./transcripts/message-transcripts.ts";
import { recentTranscripts } from "./transcripts/recent-transcripts.ts";
import { sessionTranscripts } from "./transcripts/session-transcripts.ts";
import { syncTranscripts } from "./transcripts/sync-transcripts.ts";

sessionTranscripts(memoryFixture);
mailboxTranscripts(memoryFixture);
messageTranscripts(memoryFixture);
syncTranscripts(memoryFixture);
recentTranscripts(memoryFixture);
