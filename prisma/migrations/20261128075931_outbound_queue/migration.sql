-- CreateEnum
CREATE TYPE "DeliveryState" AS ENUM ('queued', 'deferred', 'delivered', 'bounced', 'expired');

-- CreateTable
CREATE TABLE "OutboundMessage" (
    "id" SERIAL NOT NULL,
    "blobSha256" TEXT NOT NULL,
    "mailFrom" TEXT NOT NULL,
    "messageIdHeader" TEXT,
    "storedMessageId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboundMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryJob" (
    "id" SERIAL NOT NULL,
    "outboundMessageId" INTEGER NOT NULL,
    "domain" TEXT NOT NULL,
    "state" "DeliveryState" NOT NULL DEFAULT 'queued',
    "recipients" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "lastReply" TEXT,
    "lastAttemptAt" TIMESTAMPTZ(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "delayNoticeAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DeliveryJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OutboundMessage_storedMessageId_idx" ON "OutboundMessage"("storedMessageId");

-- CreateIndex
CREATE INDEX "OutboundMessage_blobSha256_idx" ON "OutboundMessage"("blobSha256");

-- CreateIndex
CREATE INDEX "DeliveryJob_state_nextAttemptAt_idx" ON "DeliveryJob"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "DeliveryJob_outboundMessageId_idx" ON "DeliveryJob"("outboundMessageId");

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_blobSha256_fkey" FOREIGN KEY ("blobSha256") REFERENCES "Blob"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboundMessage" ADD CONSTRAINT "OutboundMessage_storedMessageId_fkey" FOREIGN KEY ("storedMessageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryJob" ADD CONSTRAINT "DeliveryJob_outboundMessageId_fkey" FOREIGN KEY ("outboundMessageId") REFERENCES "OutboundMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
