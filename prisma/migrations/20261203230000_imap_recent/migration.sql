-- RFC 3501 \Recent: the lowest UID not yet claimed by a session. Mail already
-- in a folder is not recent to anyone.
ALTER TABLE "Folder" ADD COLUMN "recentUid" INTEGER NOT NULL DEFAULT 1;
UPDATE "Folder" SET "recentUid" = "uidNext";
