-- CreateEnum
CREATE TYPE "ApprovalState" AS ENUM ('pending', 'approved', 'returned');

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "needsApproval" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reviewer" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "PendingReply" (
    "id" SERIAL NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "mailboxId" INTEGER NOT NULL,
    "authorId" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "state" "ApprovalState" NOT NULL DEFAULT 'pending',
    "reviewerId" INTEGER,
    "comment" TEXT,
    "sentMessageId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PendingReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PendingReply_mailboxId_state_idx" ON "PendingReply"("mailboxId", "state");

-- CreateIndex
CREATE INDEX "PendingReply_conversationId_idx" ON "PendingReply"("conversationId");
