-- AlterTable
ALTER TABLE "User" ADD COLUMN     "goToNext" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "authorId" INTEGER;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Only sent messages have an author: a partial index keeps the received ones (nearly all) out of it,
-- and serves ON DELETE SET NULL when a user is removed.
CREATE INDEX "Message_authorId_sql" ON "Message"("authorId") WHERE "authorId" IS NOT NULL;

-- Replies approved before authors were recorded: their held reply knows who wrote them.
UPDATE "Message" m SET "authorId" = p."authorId"
FROM "PendingReply" p
WHERE p."sentMessageId" = m.id AND m."authorId" IS NULL
  AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = p."authorId");
