-- CreateEnum
CREATE TYPE "InboxDensity" AS ENUM ('comfortable', 'compact');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "inboxDensity" "InboxDensity" NOT NULL DEFAULT 'comfortable',
ADD COLUMN     "readingPane" BOOLEAN NOT NULL DEFAULT false;
