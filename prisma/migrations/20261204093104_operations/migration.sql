-- Operations pages (issue 14): the audit log's filters, errors logged by each
-- process, the hourly mail chart of the server status page, and the audit
-- log made append-only.

-- CreateTable
CREATE TABLE "ProcessError" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "ProcessError_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProcessError_at_idx" ON "ProcessError"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- The audit log is append-only (DESIGN.md "AuditEvent"): whatever the client,
-- UPDATE, DELETE and TRUNCATE of "AuditEvent" are refused. Statement-level
-- triggers, so that even a statement that would touch no row is refused, and
-- nothing in Yubin ever tries (tests/store/audit-append-only.test.ts).
CREATE FUNCTION yubin_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "AuditEvent" refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION yubin_audit_append_only();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION yubin_audit_append_only();

-- Mail received and sent per hour over the last day (server/cluster/mail-per-hour.ts):
-- partial indexes the schema cannot express, so each hour's count reads only that day.
CREATE INDEX "Message_inbound_internalDate_sql" ON "Message" ("internalDate") WHERE direction = 'inbound';
CREATE INDEX "DeliveryJob_delivered_sql" ON "DeliveryJob" ("lastAttemptAt") WHERE state = 'delivered';
