-- The old rows counted failures after verification under other keys; they
-- are short-lived counters, so they go rather than being translated.
DELETE FROM "AuthThrottle";

-- CreateEnum
CREATE TYPE "AuthThrottleScope" AS ENUM ('pair', 'address', 'account');

-- AlterTable
ALTER TABLE "AuthThrottle" DROP COLUMN "failures",
ADD COLUMN     "address" TEXT,
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "login" TEXT,
ADD COLUMN     "refused" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "scope" "AuthThrottleScope" NOT NULL;

-- CreateTable
CREATE TABLE "KnownLoginAddress" (
    "login" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastSuccessAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "KnownLoginAddress_pkey" PRIMARY KEY ("login","address")
);

-- CreateIndex
CREATE INDEX "AuthThrottle_login_idx" ON "AuthThrottle"("login");
