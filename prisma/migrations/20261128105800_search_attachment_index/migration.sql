-- Search (server/search/search-conversations.ts) finds the conversations of
-- `has:attachment` through the messages that have one; only those are indexed.
-- Partial indexes cannot be declared in schema.prisma, hence "_sql".
CREATE INDEX "Message_hasAttachments_sql" ON "Message" ("conversationId") WHERE "hasAttachments";
