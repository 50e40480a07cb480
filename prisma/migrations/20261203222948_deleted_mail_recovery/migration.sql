-- Deleted-mail recovery (server/recovery/): a deleted message is kept, out of
-- every view and of the quota, until the retention job purges it after its
-- mailbox's window (Mailbox.deletedRetentionDays, or DELETED_RETENTION_DAYS).
-- A conversation whose every message is deleted is kept hidden beside them.

-- AlterTable
ALTER TABLE "Mailbox" ADD COLUMN     "deletedRetentionDays" INTEGER;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3),
ADD COLUMN     "deletedById" INTEGER,
ADD COLUMN     "deletedConversationId" INTEGER,
ADD COLUMN     "deletedFrom" JSONB,
ADD COLUMN     "deletedVia" TEXT;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "deletedAt" TIMESTAMPTZ(3);

-- Hand-written (partial indexes): only deleted rows, for the admin's search of
-- deleted mail per mailbox, the purge, and finding a conversation's deleted messages.
CREATE INDEX "Message_deleted_sql" ON "Message" ("mailboxId", "deletedAt") WHERE "deletedAt" IS NOT NULL;
CREATE INDEX "Message_deletedConversationId_sql" ON "Message" ("deletedConversationId") WHERE "deletedConversationId" IS NOT NULL;
