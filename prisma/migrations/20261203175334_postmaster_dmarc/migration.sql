-- CreateEnum
CREATE TYPE "DmarcEnforcement" AS ENUM ('policy', 'quarantine', 'off');

-- AlterTable
ALTER TABLE "Domain" ADD COLUMN     "dmarcEnforcement" "DmarcEnforcement" NOT NULL DEFAULT 'policy',
ADD COLUMN     "postmasterMailboxId" INTEGER;

-- AddForeignKey
ALTER TABLE "Domain" ADD CONSTRAINT "Domain_postmasterMailboxId_fkey" FOREIGN KEY ("postmasterMailboxId") REFERENCES "Mailbox"("id") ON DELETE SET NULL ON UPDATE CASCADE;
