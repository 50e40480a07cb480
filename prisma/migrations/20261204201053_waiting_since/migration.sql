-- The waiting-longest sort (server/conversations/inbox-folders.ts) orders open conversations by
-- how long the customer has waited: since their earliest message not yet answered by us (the
-- first inbound message after our latest outbound one; null when our reply is the latest, or
-- there is no inbound message). Kept on the conversation by a trigger on "Message", so every
-- path that adds, moves, deletes or restores a message (the one write path, expunge, retire,
-- restore, Trash) keeps it true without a second copy of the rule.
ALTER TABLE "Conversation" ADD COLUMN "waitingSince" TIMESTAMPTZ(3);

CREATE FUNCTION yubin_waiting_since(conversation integer) RETURNS timestamptz LANGUAGE sql STABLE AS $$
  select min(m."internalDate") from "Message" m
  where m."conversationId" = conversation and m.direction = 'inbound' and m."deletedAt" is null
    and m."internalDate" > coalesce((select max(o."internalDate") from "Message" o
      where o."conversationId" = conversation and o.direction = 'outbound' and o."deletedAt" is null),
      '-infinity'::timestamptz)
$$;

CREATE FUNCTION yubin_message_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."conversationId" IS NOT NULL THEN
    UPDATE "Conversation" SET "waitingSince" = yubin_waiting_since(OLD."conversationId")
    WHERE id = OLD."conversationId";
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."conversationId" IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW."conversationId" IS DISTINCT FROM OLD."conversationId") THEN
    UPDATE "Conversation" SET "waitingSince" = yubin_waiting_since(NEW."conversationId")
    WHERE id = NEW."conversationId";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Message_waiting_since"
  AFTER INSERT OR DELETE OR UPDATE OF "conversationId", direction, "internalDate", "deletedAt" ON "Message"
  FOR EACH ROW EXECUTE FUNCTION yubin_message_waiting();

UPDATE "Conversation" c SET "waitingSince" = yubin_waiting_since(c.id);

-- The waiting-longest page per mailbox: open conversations that wait, longest first. Partial
-- indexes cannot be declared in schema.prisma, hence "_sql".
CREATE INDEX "Conversation_waiting_sql" ON "Conversation" ("mailboxId", "waitingSince", id)
  WHERE status = 'open' AND "waitingSince" IS NOT NULL AND "deletedAt" IS NULL;
