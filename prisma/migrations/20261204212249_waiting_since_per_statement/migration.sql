-- "waitingSince" (migration 20261204201053_waiting_since) was kept by a row-level trigger that
-- recomputed a conversation's wait for every message row. A statement that inserts many messages
-- (a bulk import, a batch of a connector) ran that once per row, and with a plan made while the
-- table looked empty each run scanned the table: 20,000 messages in one INSERT took minutes.
-- Now one trigger per statement recomputes the wait once for each conversation the statement
-- touched, set-based, planned afresh (EXECUTE) so that one message takes an index probe and many
-- take one join. The rule is unchanged (yubin_waiting_since).
DROP TRIGGER "Message_waiting_since" ON "Message";
DROP FUNCTION yubin_message_waiting();

CREATE FUNCTION yubin_refresh_waiting(conversations integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF conversations IS NULL OR cardinality(conversations) = 0 THEN
    RETURN;
  END IF;
  EXECUTE $q$
    WITH ids AS (SELECT DISTINCT cid FROM unnest($1) AS u(cid) WHERE cid IS NOT NULL),
    lastOut AS (
      SELECT m."conversationId" AS cid, max(m."internalDate") AS at FROM "Message" m JOIN ids ON ids.cid = m."conversationId"
      WHERE m.direction = 'outbound' AND m."deletedAt" IS NULL GROUP BY 1),
    waits AS (
      SELECT ids.cid, min(m."internalDate") AS at FROM ids
      LEFT JOIN lastOut ON lastOut.cid = ids.cid
      LEFT JOIN "Message" m ON m."conversationId" = ids.cid AND m.direction = 'inbound' AND m."deletedAt" IS NULL
        AND m."internalDate" > coalesce(lastOut.at, '-infinity'::timestamptz)
      GROUP BY ids.cid)
    UPDATE "Conversation" c SET "waitingSince" = waits.at FROM waits
    WHERE c.id = waits.cid AND c."waitingSince" IS DISTINCT FROM waits.at
  $q$ USING conversations;
END $$;

CREATE FUNCTION yubin_message_waiting_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM yubin_refresh_waiting(ARRAY(SELECT DISTINCT "conversationId" FROM new_rows WHERE "conversationId" IS NOT NULL));
  RETURN NULL;
END $$;

CREATE FUNCTION yubin_message_waiting_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM yubin_refresh_waiting(ARRAY(SELECT DISTINCT "conversationId" FROM old_rows WHERE "conversationId" IS NOT NULL));
  RETURN NULL;
END $$;

-- Transition tables cannot go with a column list, so every UPDATE statement comes here; only rows
-- whose conversation, direction, date or deletion changed count.
CREATE FUNCTION yubin_message_waiting_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM yubin_refresh_waiting(ARRAY(
    SELECT DISTINCT x.cid FROM old_rows o JOIN new_rows n ON n.id = o.id,
      LATERAL (VALUES (o."conversationId"), (n."conversationId")) AS x(cid)
    WHERE x.cid IS NOT NULL
      AND (o."conversationId", o.direction, o."internalDate", o."deletedAt")
        IS DISTINCT FROM (n."conversationId", n.direction, n."internalDate", n."deletedAt")));
  RETURN NULL;
END $$;

CREATE TRIGGER "Message_waiting_inserted" AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION yubin_message_waiting_inserted();
CREATE TRIGGER "Message_waiting_deleted" AFTER DELETE ON "Message"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION yubin_message_waiting_deleted();
CREATE TRIGGER "Message_waiting_updated" AFTER UPDATE ON "Message"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION yubin_message_waiting_updated();
