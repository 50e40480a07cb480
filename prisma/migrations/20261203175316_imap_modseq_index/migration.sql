-- CreateIndex
CREATE INDEX "FolderMessage_folderId_modseq_idx" ON "FolderMessage"("folderId", "modseq");
