-- CreateEnum
CREATE TYPE "TransferKind" AS ENUM ('import', 'export');

-- CreateEnum
CREATE TYPE "TransferState" AS ENUM ('queued', 'running', 'done', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "TransferJob" (
    "id" SERIAL NOT NULL,
    "kind" "TransferKind" NOT NULL,
    "state" "TransferState" NOT NULL DEFAULT 'queued',
    "mailboxId" INTEGER NOT NULL,
    "actorId" INTEGER,
    "format" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "runner" TEXT NOT NULL,
    "ownsFile" BOOLEAN NOT NULL DEFAULT false,
    "query" TEXT,
    "sourceBytes" BIGINT,
    "sourceMtime" TIMESTAMPTZ(3),
    "total" BIGINT,
    "position" BIGINT NOT NULL DEFAULT 0,
    "cursor" INTEGER NOT NULL DEFAULT 0,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "imported" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "unparsed" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "stalls" INTEGER NOT NULL DEFAULT 0,
    "claimedAt" BIGINT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TransferJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferNote" (
    "id" SERIAL NOT NULL,
    "jobId" INTEGER NOT NULL,
    "item" INTEGER NOT NULL,
    "location" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "TransferNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TransferConversation" (
    "jobId" INTEGER NOT NULL,
    "conversationId" INTEGER NOT NULL,

    CONSTRAINT "TransferConversation_pkey" PRIMARY KEY ("jobId","conversationId")
);

-- CreateIndex
CREATE INDEX "TransferJob_state_host_idx" ON "TransferJob"("state", "host");

-- CreateIndex
CREATE INDEX "TransferJob_mailboxId_createdAt_idx" ON "TransferJob"("mailboxId", "createdAt");

-- CreateIndex
CREATE INDEX "TransferNote_jobId_id_idx" ON "TransferNote"("jobId", "id");

-- AddForeignKey
ALTER TABLE "TransferJob" ADD CONSTRAINT "TransferJob_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferNote" ADD CONSTRAINT "TransferNote_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TransferJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TransferConversation" ADD CONSTRAINT "TransferConversation_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "TransferJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
