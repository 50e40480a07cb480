-- Tags belong to a mailbox: an agent must not see the tag names of mailboxes
-- they cannot open. Every tag in use is kept: the lowest-numbered mailbox
-- using it keeps the row (and its id), every other mailbox using it gets a
-- copy of the same name and colour, and its conversations point at that copy.
-- A tag that no conversation uses belongs to no mailbox and is dropped.

-- DropIndex
DROP INDEX "Tag_name_key";

-- AlterTable
ALTER TABLE "Tag" ADD COLUMN     "mailboxId" INTEGER;

UPDATE "Tag" t SET "mailboxId" = used."mailboxId"
FROM (
  SELECT ct."tagId", min(c."mailboxId") AS "mailboxId"
  FROM "ConversationTag" ct JOIN "Conversation" c ON c.id = ct."conversationId"
  GROUP BY ct."tagId"
) used
WHERE used."tagId" = t.id;

INSERT INTO "Tag" ("mailboxId", name, color, "createdAt")
SELECT DISTINCT c."mailboxId", t.name, t.color, t."createdAt"
FROM "ConversationTag" ct
JOIN "Conversation" c ON c.id = ct."conversationId"
JOIN "Tag" t ON t.id = ct."tagId"
WHERE c."mailboxId" <> t."mailboxId";

UPDATE "ConversationTag" ct SET "tagId" = copy.id
FROM "Conversation" c, "Tag" t, "Tag" copy
WHERE c.id = ct."conversationId" AND t.id = ct."tagId" AND c."mailboxId" <> t."mailboxId"
  AND copy."mailboxId" = c."mailboxId" AND copy.name = t.name;

DELETE FROM "Tag" WHERE "mailboxId" IS NULL;

ALTER TABLE "Tag" ALTER COLUMN "mailboxId" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Tag_mailboxId_name_key" ON "Tag"("mailboxId", "name");

-- AddForeignKey
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
