// The transcripts against the PostgreSQL adapter: the same functions as
// memory-transcripts.test.ts with the PostgreSQL fixture factory.
import { postgresFixture } from "./support/postgres-fixture.ts";
import { mailboxTranscripts } from "./transcripts/mailbox-transcripts.ts";
import { messageTranscripts } from "./transcripts/message-transcripts.ts";
import { recentTranscripts } from "./transcripts/recent-transcripts.ts";
import { sessionTranscripts } from "./transcripts/session-transcripts.ts";
import { syncTranscripts } from "./transcripts/sync-transcripts.ts";

sessionTranscripts(postgresFixture);
mailboxTranscripts(postgresFixture);
messageTranscripts(postgresFixture);
syncTranscripts(postgresFixture);
recentTranscripts(postgresFixture);
