-- An identical redelivery is recognised by Message-ID and the whole message
-- but its trace fields (server/mime/content-hash.ts), no longer by Message-ID
-- and body alone: two messages that differ in From or To are two messages.
-- Rows stored before this keep "contentHash" null and are still matched by
-- their "bodyHash" (server/mail-store/mailbox-state.ts), so a redelivery that
-- straddles the upgrade is not stored twice.

-- DropIndex
DROP INDEX "Message_mailboxId_messageIdHeader_bodyHash_key";

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "contentHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Message_mailboxId_messageIdHeader_contentHash_key" ON "Message"("mailboxId", "messageIdHeader", "contentHash");
