-- DropIndex
DROP INDEX "Message_mailboxId_messageIdHeader_idx";

-- CreateIndex
CREATE UNIQUE INDEX "Message_mailboxId_messageIdHeader_bodyHash_key" ON "Message"("mailboxId", "messageIdHeader", "bodyHash");

-- Aborts the statement that calls it: lets one atomic SQL statement refuse a
-- state it cannot complete (server/mail-store/store-message.ts).
CREATE FUNCTION yubin_abort(message text) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', message;
END
$$;
