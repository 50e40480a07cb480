-- CreateEnum
CREATE TYPE "ConnectorMarkSeen" AS ENUM ('off', 'imported', 'closed');

-- AlterTable
ALTER TABLE "Connector" ADD COLUMN     "markSeen" "ConnectorMarkSeen" NOT NULL DEFAULT 'off',
ADD COLUMN     "moveTo" TEXT,
ADD COLUMN     "relayCheckCertificate" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "relayHost" TEXT,
ADD COLUMN     "relayPasswordBox" TEXT,
ADD COLUMN     "relayPort" INTEGER,
ADD COLUMN     "relayTls" "ConnectorTls",
ADD COLUMN     "relayUsername" TEXT;

-- AlterTable
ALTER TABLE "ConnectorMessage" ADD COLUMN     "movedTo" TEXT,
ADD COLUMN     "movedUid" BIGINT,
ADD COLUMN     "remoteSeenAt" TIMESTAMPTZ(3),
ADD COLUMN     "writeBackError" TEXT,
ADD COLUMN     "writeBackPending" BOOLEAN NOT NULL DEFAULT false;
