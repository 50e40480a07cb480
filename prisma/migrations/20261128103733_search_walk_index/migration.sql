-- CreateIndex
CREATE INDEX "Conversation_lastMessageAt_id_mailboxId_idx" ON "Conversation"("lastMessageAt" DESC, "id" DESC, "mailboxId");
