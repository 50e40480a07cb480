-- Presence is ephemeral (server/presence/): UNLOGGED skips the WAL for a
-- table written on every heartbeat; after a crash PostgreSQL empties it,
-- which is right, since every browser re-reports when its stream reconnects.
-- Prisma cannot declare UNLOGGED, hence the hand edit.
CREATE UNLOGGED TABLE "Presence" (
    "streamId" UUID NOT NULL,
    "userId" INTEGER NOT NULL,
    "mailboxId" INTEGER NOT NULL,
    "conversationId" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Presence_pkey" PRIMARY KEY ("streamId"),
    CONSTRAINT "Presence_state_check" CHECK ("state" IN ('viewing', 'replying', 'noting'))
);

-- CreateIndex
CREATE INDEX "Presence_mailboxId_idx" ON "Presence"("mailboxId");

-- CreateIndex
CREATE INDEX "Presence_expiresAt_idx" ON "Presence"("expiresAt");
