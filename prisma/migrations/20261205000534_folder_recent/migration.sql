-- RFC 3501 \Recent claims move off the "Folder" row to a row of their own:
-- every folder write (STORE, APPEND, EXPUNGE) locks the "Folder" row until
-- COMMIT, and a session that only reads (FETCH, NOOP, IDLE) but is the first
-- to learn of new mail queued behind them to claim it (bench:imap, paced
-- workload). A folder without a row has claimed nothing (recentUid 1).
CREATE TABLE "FolderRecent" (
    "folderId" INTEGER NOT NULL,
    "recentUid" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "FolderRecent_pkey" PRIMARY KEY ("folderId")
);

ALTER TABLE "FolderRecent" ADD CONSTRAINT "FolderRecent_folderId_fkey" FOREIGN KEY ("folderId") REFERENCES "Folder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "FolderRecent" ("folderId", "recentUid") SELECT id, "recentUid" FROM "Folder" WHERE "recentUid" > 1;

ALTER TABLE "Folder" DROP COLUMN "recentUid";
