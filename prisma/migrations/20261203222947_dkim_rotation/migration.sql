-- AlterTable
ALTER TABLE "Domain" ADD COLUMN     "dkimNextCreatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "dkimNextPrivateKey" TEXT,
ADD COLUMN     "dkimNextPublicKey" TEXT,
ADD COLUMN     "dkimNextSelector" TEXT;

-- CreateTable
CREATE TABLE "RetiredDkimKey" (
    "id" SERIAL NOT NULL,
    "domainId" INTEGER NOT NULL,
    "selector" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "retiredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetiredDkimKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RetiredDkimKey_domainId_selector_key" ON "RetiredDkimKey"("domainId", "selector");

-- AddForeignKey
ALTER TABLE "RetiredDkimKey" ADD CONSTRAINT "RetiredDkimKey_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain"("id") ON DELETE CASCADE ON UPDATE CASCADE;
