-- Date search (server/search/): `before:D` matches a conversation with a message received, or a
-- note written, before D. "firstItemAt" is a lower bound of those dates (the earliest when nothing
-- was deleted since; null while the conversation has no item), kept by the triggers below on every
-- insert and move, so no writer has to remember it; a deletion may leave it lower, which only adds
-- candidates that the search then checks against the items themselves.
ALTER TABLE "Conversation" ADD COLUMN "firstItemAt" TIMESTAMPTZ(3);

UPDATE "Conversation" c SET "firstItemAt" = f.at
FROM (
  SELECT id, min(at) AS at FROM (
    SELECT "conversationId" AS id, min("internalDate") AS at FROM "Message"
      WHERE "conversationId" IS NOT NULL GROUP BY 1
    UNION ALL
    SELECT "conversationId", min("createdAt") FROM "Note" GROUP BY 1
  ) u GROUP BY id
) f
WHERE f.id = c.id;

CREATE FUNCTION yubin_first_item_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."conversationId" IS NOT NULL THEN
    UPDATE "Conversation" SET "firstItemAt" = NEW."internalDate"
      WHERE id = NEW."conversationId" AND ("firstItemAt" IS NULL OR "firstItemAt" > NEW."internalDate");
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION yubin_first_item_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Conversation" SET "firstItemAt" = NEW."createdAt"
    WHERE id = NEW."conversationId" AND ("firstItemAt" IS NULL OR "firstItemAt" > NEW."createdAt");
  RETURN NULL;
END $$;

CREATE TRIGGER "Message_first_item" AFTER INSERT OR UPDATE OF "conversationId", "internalDate" ON "Message"
  FOR EACH ROW EXECUTE FUNCTION yubin_first_item_message();
CREATE TRIGGER "Note_first_item" AFTER INSERT OR UPDATE OF "conversationId", "createdAt" ON "Note"
  FOR EACH ROW EXECUTE FUNCTION yubin_first_item_note();

-- The conversations whose items reach back before D while their latest message is at or after D:
-- those whose span [firstItemAt, lastMessageAt] contains D. least() keeps the range valid when a
-- message's date is later than lastMessageAt (an APPEND with a future date, an import); a conversation
-- without items gets the empty-looking [lastMessageAt, lastMessageAt] and is rechecked anyway.
-- Expression indexes cannot be declared in schema.prisma, hence "_sql".
CREATE INDEX "Conversation_itemSpan_sql" ON "Conversation"
  USING gist (tstzrange(least("firstItemAt", "lastMessageAt"), "lastMessageAt", '[]'));
