// The recovery pages' server errors in both languages: the messages
// server/recovery/ throws are recognised, never shown raw to a Japanese reader.
import { describe, expect, it } from "vitest";
import { errorText } from "../../app/i18n/error-text.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { MAX_DELETED_RETENTION_DAYS } from "../../server/limits.ts";
import { ALREADY_GONE } from "../../server/recovery/delete-mail.ts";
import { NOTHING_TO_RESTORE } from "../../server/recovery/restore-mail.ts";
import { RETENTION_PROBLEM } from "../../server/recovery/set-retention.ts";

describe("recovery errors", () => {
  it("are translated", () => {
    const tJa = makeT(ja);
    const tEn = makeT(en);
    expect(errorText(ALREADY_GONE, tJa)).toBe(ja["recovery.alreadyGone"]);
    expect(errorText(NOTHING_TO_RESTORE, tJa)).toBe(ja["recovery.noSuchDeleted"]);
    expect(errorText(RETENTION_PROBLEM, tJa)).toContain(String(MAX_DELETED_RETENTION_DAYS));
    expect(errorText(RETENTION_PROBLEM, tJa)).toContain("保存期間");
    expect(errorText(NOTHING_TO_RESTORE, tEn)).toBe(en["recovery.noSuchDeleted"]);
  });
});
