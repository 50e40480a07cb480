-- The trigram index on MessageTrace.subject was the largest part of what tracing
-- cost the MX (docs/benchmarks.md, "Inbound SMTP with and without the message
-- trace"): each record's Subject made dozens of GIN entries. The subject (with the result and
-- kind) now rides in the leaf tuples of the time index instead, which a record
-- appends to at its right end; a subject search reads the time range newest
-- first from that index alone and stops at a full page (server/trace/search-traces.ts).

-- A B-tree tuple holds at most ~2,700 bytes: subjects are kept to 300 characters
-- (TRACE_MAX_SUBJECT, server/limits.ts), as new records are.
UPDATE "MessageTrace" SET subject = left(subject, 299) || '…' WHERE length(subject) > 300;

DROP INDEX IF EXISTS "MessageTrace_subject_trgm_sql";
DROP INDEX IF EXISTS "MessageTrace_startedAt_idx";
CREATE INDEX "MessageTrace_startedAt_id_subject_sql" ON "MessageTrace" ("startedAt", id) INCLUDE (subject, result, kind);

-- An index-only scan skips the table only for pages the visibility map marks all-visible,
-- which a vacuum does: for this append-only table, after every 10,000 new rows rather than
-- after a fifth of the table (PostgreSQL's default), so the newest days are covered too.
ALTER TABLE "MessageTrace" SET (autovacuum_vacuum_insert_threshold = 10000, autovacuum_vacuum_insert_scale_factor = 0);
