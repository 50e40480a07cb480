-- What ANALYZE reads of the message trace. Its sample is 300 rows per point of
-- the largest statistics target (100 by default: 30,000 rows), and every column
-- is measured, the details jsonb among them. While MessageTrace is young,
-- autoanalyze runs whenever it has grown by a tenth: on a new server, ANALYZE
-- reads the whole young table again and again. One ANALYZE of 1,000,000
-- traces took 560 ms; with these targets 45 ms (docs/benchmarks.md).
--
-- Searches filter and order by only a few columns; 10 gives them a 3,000-row
-- sample, enough for the planner to choose between the indexes. The others
-- are never in a WHERE clause the planner must estimate: no statistics.
ALTER TABLE "MessageTrace"
  ALTER COLUMN id SET STATISTICS 10,
  ALTER COLUMN kind SET STATISTICS 10,
  ALTER COLUMN result SET STATISTICS 10,
  ALTER COLUMN "startedAt" SET STATISTICS 10,
  ALTER COLUMN "clientAddress" SET STATISTICS 10,
  ALTER COLUMN "mailFrom" SET STATISTICS 10,
  ALTER COLUMN "messageIdHeader" SET STATISTICS 10,
  ALTER COLUMN "outboundMessageId" SET STATISTICS 10,
  ALTER COLUMN "endedAt" SET STATISTICS 0,
  ALTER COLUMN "sessionId" SET STATISTICS 0,
  ALTER COLUMN "clientName" SET STATISTICS 0,
  ALTER COLUMN helo SET STATISTICS 0,
  ALTER COLUMN "tlsVersion" SET STATISTICS 0,
  ALTER COLUMN "tlsCipher" SET STATISTICS 0,
  ALTER COLUMN "authUser" SET STATISTICS 0,
  ALTER COLUMN recipients SET STATISTICS 0,
  ALTER COLUMN size SET STATISTICS 0,
  ALTER COLUMN "replyCode" SET STATISTICS 0,
  ALTER COLUMN "replyText" SET STATISTICS 0,
  ALTER COLUMN spf SET STATISTICS 0,
  ALTER COLUMN dkim SET STATISTICS 0,
  ALTER COLUMN dmarc SET STATISTICS 0,
  ALTER COLUMN arc SET STATISTICS 0,
  ALTER COLUMN subject SET STATISTICS 0,
  ALTER COLUMN "messageIds" SET STATISTICS 0,
  ALTER COLUMN "conversationIds" SET STATISTICS 0,
  ALTER COLUMN "deliveryJobId" SET STATISTICS 0,
  ALTER COLUMN attempt SET STATISTICS 0,
  ALTER COLUMN "remoteHost" SET STATISTICS 0,
  ALTER COLUMN "remoteAddress" SET STATISTICS 0,
  ALTER COLUMN "nextAttemptAt" SET STATISTICS 0,
  ALTER COLUMN "dsnMessageId" SET STATISTICS 0,
  ALTER COLUMN details SET STATISTICS 0;

ALTER TABLE "MessageTraceRecipient"
  ALTER COLUMN "traceId" SET STATISTICS 10,
  ALTER COLUMN address SET STATISTICS 10,
  ALTER COLUMN "startedAt" SET STATISTICS 10;
