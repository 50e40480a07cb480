-- The snooze waker (server/conversations/wake-snoozed.ts) looks for
-- conversations whose snooze has passed; only snoozed ones are indexed.
-- Partial indexes cannot be declared in schema.prisma, hence "_sql".
CREATE INDEX "Conversation_snoozedUntil_sql" ON "Conversation" ("snoozedUntil") WHERE "snoozedUntil" IS NOT NULL;
