-- CreateEnum
CREATE TYPE "ConnectorTls" AS ENUM ('implicit', 'starttls');

-- CreateTable
CREATE TABLE "Connector" (
    "id" SERIAL NOT NULL,
    "mailboxId" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "tls" "ConnectorTls" NOT NULL,
    "checkCertificate" BOOLEAN NOT NULL DEFAULT true,
    "caPem" TEXT,
    "username" TEXT NOT NULL,
    "passwordBox" TEXT NOT NULL,
    "folders" TEXT[] DEFAULT ARRAY['INBOX']::TEXT[],
    "since" TIMESTAMPTZ(3),
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "imported" INTEGER NOT NULL DEFAULT 0,
    "scanTotal" INTEGER NOT NULL DEFAULT 0,
    "scanDone" INTEGER NOT NULL DEFAULT 0,
    "lastSyncAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMPTZ(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Connector_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectorFolder" (
    "id" SERIAL NOT NULL,
    "connectorId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "uidValidity" BIGINT,
    "lastUid" BIGINT NOT NULL DEFAULT 0,
    "highestModseq" BIGINT,
    "lastError" TEXT,
    "lastErrorAt" TIMESTAMPTZ(3),

    CONSTRAINT "ConnectorFolder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConnectorMessage" (
    "id" SERIAL NOT NULL,
    "connectorId" INTEGER NOT NULL,
    "folder" TEXT NOT NULL,
    "uidValidity" BIGINT NOT NULL,
    "uid" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "messageId" INTEGER,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectorMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Connector_mailboxId_idx" ON "Connector"("mailboxId");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectorFolder_connectorId_name_key" ON "ConnectorFolder"("connectorId", "name");

-- CreateIndex
CREATE INDEX "ConnectorMessage_connectorId_sha256_idx" ON "ConnectorMessage"("connectorId", "sha256");

-- CreateIndex
CREATE UNIQUE INDEX "ConnectorMessage_connectorId_folder_uidValidity_uid_key" ON "ConnectorMessage"("connectorId", "folder", "uidValidity", "uid");

-- AddForeignKey
ALTER TABLE "Connector" ADD CONSTRAINT "Connector_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectorFolder" ADD CONSTRAINT "ConnectorFolder_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectorMessage" ADD CONSTRAINT "ConnectorMessage_connectorId_fkey" FOREIGN KEY ("connectorId") REFERENCES "Connector"("id") ON DELETE CASCADE ON UPDATE CASCADE;
