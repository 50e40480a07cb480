-- CreateIndex
CREATE INDEX "Message_internalDate_idx" ON "Message" USING BRIN ("internalDate");
