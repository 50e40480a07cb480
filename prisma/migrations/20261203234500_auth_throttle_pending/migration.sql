-- Login attempts whose password check is still running (server/auth/throttle.ts):
-- a lock that only they reached is not yet a verdict, so parallel logins from
-- one address (an office behind NAT) wait for them instead of being refused.

-- AlterTable
ALTER TABLE "AuthThrottle" ADD COLUMN     "pending" INTEGER NOT NULL DEFAULT 0;
