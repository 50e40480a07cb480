-- Quotas (server/quotas/): warning thresholds per mailbox, local retries of a
-- recipient whose mailbox was full at DATA, and the quota rule itself.

-- AlterTable
ALTER TABLE "Mailbox" ADD COLUMN     "quotaWarnPercents" INTEGER[] DEFAULT ARRAY[80, 95]::INTEGER[],
ADD COLUMN     "quotaWarnedPercent" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "DeliveryJob" ADD COLUMN     "local" BOOLEAN NOT NULL DEFAULT false;

-- THE quota rule, in one place: whether `add_bytes` more in `add_messages`
-- messages fit a mailbox's limits (null = unlimited). The write path checks
-- it against the locked Mailbox row (server/mail-store/write-message.ts), the
-- MX at RCPT with the SIZE= declared at MAIL FROM (resolve-recipient.ts), and
-- so IMAP APPEND/COPY/MOVE, submission and the web, which all store there.
CREATE FUNCTION yubin_quota_fits(used_bytes bigint, quota_bytes bigint, used_messages integer,
  quota_messages integer, add_bytes bigint, add_messages integer)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (quota_bytes IS NULL OR used_bytes + add_bytes <= quota_bytes)
     AND (quota_messages IS NULL OR used_messages + add_messages <= quota_messages)
$$;

-- The highest warning threshold (a percentage of either limit) that usage has
-- reached; 0 when none.
CREATE FUNCTION yubin_quota_level(used_bytes bigint, quota_bytes bigint, used_messages integer,
  quota_messages integer, thresholds integer[])
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(max(t), 0) FROM unnest(thresholds) AS t
  WHERE (quota_bytes IS NOT NULL AND used_bytes * 100 >= quota_bytes * t)
     OR (quota_messages IS NOT NULL AND used_messages::bigint * 100 >= quota_messages::bigint * t)
$$;

-- When a mailbox gets room (a deletion, a recount, a larger quota), whatever
-- statement changed it:
-- * a warning whose threshold usage fell below is re-armed, so the next
--   crossing sends a notice again (server/quotas/quota-warning.ts);
-- * deliveries waiting for room in this mailbox (server/outbound/local-retry.ts)
--   are made due now and the delivery workers woken (NOTIFY yubin_outbound,
--   delivered at COMMIT).
CREATE FUNCTION yubin_quota_rearm() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."quotaWarnedPercent" > 0 THEN
    NEW."quotaWarnedPercent" := least(NEW."quotaWarnedPercent", yubin_quota_level(NEW."usedBytes",
      NEW."quotaBytes", NEW."usedMessages", NEW."quotaMessages", NEW."quotaWarnPercents"));
  END IF;
  IF (NEW."usedBytes" < OLD."usedBytes" OR NEW."usedMessages" < OLD."usedMessages"
      OR NEW."quotaBytes" IS DISTINCT FROM OLD."quotaBytes" OR NEW."quotaMessages" IS DISTINCT FROM OLD."quotaMessages") THEN
    UPDATE "DeliveryJob" SET "nextAttemptAt" = least("nextAttemptAt", now())
    WHERE local AND state = 'deferred' AND recipients @> jsonb_build_array(jsonb_build_object('mailboxId', NEW.id))
      AND "nextAttemptAt" > now();
    IF FOUND THEN
      PERFORM pg_notify('yubin_outbound', '');
    END IF;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Mailbox_quota_rearm" BEFORE UPDATE OF "usedBytes", "usedMessages", "quotaBytes", "quotaMessages",
  "quotaWarnPercents" ON "Mailbox" FOR EACH ROW EXECUTE FUNCTION yubin_quota_rearm();
