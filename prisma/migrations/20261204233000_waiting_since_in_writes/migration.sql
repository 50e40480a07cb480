-- "waitingSince" is now written by the statements that change what it depends on, not by
-- triggers on "Message". The per-statement triggers (20261204212249) fired for every INSERT and
-- UPDATE on "Message", captured transition tables and planned their query afresh each time:
-- measured on bench:smtp, about 5 ms of server CPU per delivered message (14.2 against 8.9 ms),
-- a third of the MX's throughput. The rule is unchanged (yubin_waiting_since):
--   the write path (server/mail-store/write-message.ts) sets it in its own statement: a message
--     later than every other in its conversation decides it alone (inbound: the wait goes on or
--     starts; outbound: it ends), and any other calls yubin_refresh_waiting for the conversation;
--   retire and restore (server/recovery/) recompute it in their conversation update;
--   purging deletes only messages already deleted, which the rule does not count.
DROP TRIGGER "Message_waiting_inserted" ON "Message";
DROP TRIGGER "Message_waiting_deleted" ON "Message";
DROP TRIGGER "Message_waiting_updated" ON "Message";
DROP FUNCTION yubin_message_waiting_inserted();
DROP FUNCTION yubin_message_waiting_deleted();
DROP FUNCTION yubin_message_waiting_updated();
