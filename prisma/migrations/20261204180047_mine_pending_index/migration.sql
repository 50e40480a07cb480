-- Mine holds my open and my pending conversations (server/conversations/inbox-folders.ts,
-- folderPredicate): the same shape as "Conversation_assigned_open_sql", over both working
-- statuses, so Mine stays an index walk per mailbox. Partial indexes cannot be declared in
-- schema.prisma, hence "_sql".
CREATE INDEX "Conversation_assigned_working_sql" ON "Conversation" ("mailboxId", "assigneeId", "lastMessageAt" DESC, id DESC)
  WHERE status IN ('open', 'pending');
