-- The Unassigned and Mine folders (server/conversations/inbox-folders.ts), newest or oldest
-- first, per mailbox. Without these the planner combined the status index with the assignee
-- index in a BitmapAnd per mailbox (45,263 unassigned rows read 20 times at 1M messages:
-- Unassigned 311 ms, docs/benchmarks.md). Open conversations only, so they stay small.
-- Partial indexes cannot be declared in schema.prisma, hence "_sql".
CREATE INDEX "Conversation_unassigned_sql" ON "Conversation" ("mailboxId", "lastMessageAt" DESC, id DESC)
  WHERE status = 'open' AND "assigneeId" IS NULL;
CREATE INDEX "Conversation_assigned_open_sql" ON "Conversation" ("mailboxId", "assigneeId", "lastMessageAt" DESC, id DESC)
  WHERE status = 'open';
