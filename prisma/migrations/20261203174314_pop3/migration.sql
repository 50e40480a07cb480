-- CreateEnum
CREATE TYPE "Pop3OnDelete" AS ENUM ('keep', 'delete');

-- AlterTable
ALTER TABLE "Mailbox" ADD COLUMN     "pop3OnDelete" "Pop3OnDelete";

-- CreateTable
CREATE TABLE "ExpungedUid" (
    "folderId" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "modseq" BIGINT NOT NULL,
    "expungedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExpungedUid_pkey" PRIMARY KEY ("folderId","uid")
);

-- CreateTable
CREATE TABLE "Pop3Hidden" (
    "userId" INTEGER NOT NULL,
    "messageId" INTEGER NOT NULL,
    "hiddenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Pop3Hidden_pkey" PRIMARY KEY ("userId","messageId")
);

-- CreateIndex
CREATE INDEX "ExpungedUid_folderId_modseq_idx" ON "ExpungedUid"("folderId", "modseq");

-- CreateIndex
CREATE INDEX "Pop3Hidden_messageId_idx" ON "Pop3Hidden"("messageId");

-- AddForeignKey
ALTER TABLE "ExpungedUid" ADD CONSTRAINT "ExpungedUid_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "Folder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pop3Hidden" ADD CONSTRAINT "Pop3Hidden_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pop3Hidden" ADD CONSTRAINT "Pop3Hidden_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;
