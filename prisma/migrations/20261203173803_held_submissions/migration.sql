-- Approval (確認者) for mail clients: a message that a member who needs
-- approval submits over SMTP is held with its exact bytes (in "Blob").

-- AlterTable
ALTER TABLE "PendingReply" ADD COLUMN     "blobSha256" TEXT;

-- AddForeignKey
ALTER TABLE "PendingReply" ADD CONSTRAINT "PendingReply_blobSha256_fkey" FOREIGN KEY ("blobSha256") REFERENCES "Blob"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
