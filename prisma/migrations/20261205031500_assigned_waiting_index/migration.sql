-- Mine · waiting longest (server/conversations/inbox-folders.ts): per mailbox, my waiting open
-- conversations in waitingSince order. "Conversation_waiting_sql" has no assignee, so Mine read
-- every waiting conversation of each mailbox and kept its own (at 1M messages: ~460 heap rows per
-- mailbox for ~20 kept, p95 34-59 ms over HTTP); this is its shape with the assignee, an index walk
-- of the page. Partial indexes cannot be declared in schema.prisma, hence "_sql".
CREATE INDEX "Conversation_assigned_waiting_sql" ON "Conversation" ("mailboxId", "assigneeId", "waitingSince", id)
  WHERE status = 'open' AND "waitingSince" IS NOT NULL AND "deletedAt" IS NULL;
