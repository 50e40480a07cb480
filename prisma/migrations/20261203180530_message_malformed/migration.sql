-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "malformed" TEXT;
