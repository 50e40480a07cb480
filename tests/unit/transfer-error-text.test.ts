// The Import/Export tab's server errors in both languages: what
// server/transfer/ throws or records as a job's error is recognised, never
// shown raw to a Japanese reader.
import { describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { EMPTY_EXPORT_SEARCH } from "../../server/transfer/export-selection.ts";
import {
  CANCEL_FIRST,
  NOT_CANCELLABLE,
  NOT_RESUMABLE,
  STARTED_ON_CLI,
  UPLOAD_GONE,
} from "../../server/transfer/transfer-admin.ts";
import { NO_SUCH_JOB } from "../../server/transfer/transfer-jobs.ts";

const tJa = makeT(ja);
const tEn = makeT(en);

describe("import and export errors", () => {
  it("are translated", () => {
    for (const [message, key] of [
      [NO_SUCH_JOB, "errors.transferNotFound"],
      [NOT_CANCELLABLE, "errors.transferNotCancellable"],
      [NOT_RESUMABLE, "errors.transferNotResumable"],
      [STARTED_ON_CLI, "errors.transferCli"],
      [UPLOAD_GONE, "errors.transferUploadGone"],
      [CANCEL_FIRST, "errors.transferRunning"],
      [EMPTY_EXPORT_SEARCH, "errors.searchEmptyExport"],
    ] as const) {
      expect(errorText(message, tJa)).toBe(ja[key]);
      expect(errorText(message, tEn)).toBe(en[key]);
    }
  });

  it("keep the file's name, the mailbox and the counts", () => {
    expect(
      errorText(
        'old mail.mbox is not an mbox file (it does not start with a "From " line) nor a zip of .eml files',
        tJa,
      ),
    ).toBe("old mail.mbox は mbox ファイル（「From 」の行で始まるもの）でも .eml ファイルの zip でもありません。");
    expect(errorText("x.zip: the zip's entries overlap (the shape of a zip bomb): refused", tJa)).toBe(
      "x.zip はインポートできる zip ファイルではありません: the zip's entries overlap (the shape of a zip bomb): refused",
    );
    expect(errorText("a.mbox is empty: there is nothing to import", tJa)).toBe("a.mbox は空です。");
    expect(
      errorText(
        "The mailbox support@example.com is full: 73 messages were imported before byte 1234. Raise its quota and resume the import.",
        tJa,
      ),
    ).toBe(
      "メールボックス support@example.com がいっぱいです。byte 1234 より前の 73 件をインポートしました。容量を増やしてからインポートを再開してください。",
    );
    // Other messages that end alike are not taken for these.
    expect(errorText("the note is empty", tJa)).toBe(ja["errors.noteEmpty"]);
  });
});
