-- Message trace (server/trace/): one row per SMTP transaction in (MX,
-- submission) and per delivery attempt out, refusals included, and its
-- recipients one per row for search by recipient and time.

-- CreateEnum
CREATE TYPE "TraceKind" AS ENUM ('mx', 'submission', 'delivery');

-- CreateEnum
CREATE TYPE "TraceResult" AS ENUM ('delivered', 'rejected', 'deferred', 'bounced', 'abandoned');

-- CreateTable
CREATE TABLE "MessageTrace" (
    "id" BIGSERIAL NOT NULL,
    "kind" "TraceKind" NOT NULL,
    "result" "TraceResult" NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3) NOT NULL,
    "sessionId" TEXT NOT NULL,
    "clientAddress" TEXT,
    "clientName" TEXT,
    "helo" TEXT,
    "tlsVersion" TEXT,
    "tlsCipher" TEXT,
    "authUser" TEXT,
    "mailFrom" TEXT,
    "recipients" TEXT[],
    "size" INTEGER,
    "replyCode" INTEGER,
    "replyText" TEXT,
    "spf" TEXT,
    "dkim" TEXT,
    "dmarc" TEXT,
    "arc" TEXT,
    "messageIdHeader" TEXT,
    "subject" TEXT,
    "messageIds" INTEGER[],
    "conversationIds" INTEGER[],
    "outboundMessageId" INTEGER,
    "deliveryJobId" INTEGER,
    "attempt" INTEGER,
    "remoteHost" TEXT,
    "remoteAddress" TEXT,
    "nextAttemptAt" TIMESTAMPTZ(3),
    "dsnMessageId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "MessageTrace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageTraceRecipient" (
    "traceId" BIGINT NOT NULL,
    "address" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MessageTraceRecipient_pkey" PRIMARY KEY ("traceId","address")
);

-- CreateIndex
CREATE INDEX "MessageTrace_startedAt_idx" ON "MessageTrace"("startedAt");

-- CreateIndex
CREATE INDEX "MessageTrace_mailFrom_startedAt_idx" ON "MessageTrace"("mailFrom", "startedAt");

-- CreateIndex
CREATE INDEX "MessageTrace_messageIdHeader_idx" ON "MessageTrace"("messageIdHeader");

-- CreateIndex
CREATE INDEX "MessageTrace_clientAddress_startedAt_idx" ON "MessageTrace"("clientAddress", "startedAt");

-- CreateIndex
CREATE INDEX "MessageTrace_result_startedAt_idx" ON "MessageTrace"("result", "startedAt");

-- CreateIndex
CREATE INDEX "MessageTraceRecipient_address_startedAt_idx" ON "MessageTraceRecipient"("address", "startedAt");

-- AddForeignKey
ALTER TABLE "MessageTraceRecipient" ADD CONSTRAINT "MessageTraceRecipient_traceId_fkey" FOREIGN KEY ("traceId") REFERENCES "MessageTrace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Subject search is by any part of the subject (ILIKE '%…%'): a trigram
-- index serves it for three characters or more (pg_trgm is a trusted
-- extension since PostgreSQL 13: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "MessageTrace_subject_trgm_sql" ON "MessageTrace" USING gin ("subject" gin_trgm_ops);
