-- CreateEnum
CREATE TYPE "SenderRuleKind" AS ENUM ('block', 'allow');

-- CreateTable
CREATE TABLE "SenderRule" (
    "id" SERIAL NOT NULL,
    "mailboxId" INTEGER NOT NULL,
    "pattern" TEXT NOT NULL,
    "kind" "SenderRuleKind" NOT NULL,
    "createdById" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SenderRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SenderRule_mailboxId_pattern_key" ON "SenderRule"("mailboxId", "pattern");

-- AddForeignKey
ALTER TABLE "SenderRule" ADD CONSTRAINT "SenderRule_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
