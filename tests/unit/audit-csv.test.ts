// The audit log's CSV: RFC 4180 quoting, CRLF, a BOM for Excel, and cells a
// spreadsheet would run as formulas defused with a leading quote. Also the
// operations pages' server errors in both languages, and the queue's ages.
import { describe, expect, it } from "vitest";
import { relativeAge } from "../../app/components/relative-age.tsx";
import { errorText } from "../../app/i18n/error-text.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";
import { AUDIT_CSV_HEADER, auditCsv, csvCell } from "../../server/audit/audit-csv.ts";
import { auditRange } from "../../server/audit/search-audit.ts";

describe("csvCell", () => {
  it("quotes what needs quoting and doubles quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
    expect(csvCell("山田 太郎")).toBe("山田 太郎");
  });

  it("defuses formulas: = + - @ tab and CR at the start get a leading quote", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("\rcmd")).toBe('"\'\rcmd"');
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("auditCsv", () => {
  it("writes a BOM, a header and one CRLF line per event", () => {
    const csv = auditCsv([
      {
        id: 7,
        at: new Date("2026-01-02T03:04:05.678Z"),
        actorId: null,
        actorEmail: null,
        actorName: null,
        action: "sign_in.failure",
        subjectType: "login",
        subjectId: "=cmd|' /C calc'!A0",
        before: null,
        after: { door: "imap", note: 'a "quoted", value' },
        ip: "192.0.2.1",
      },
    ]);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe(AUDIT_CSV_HEADER.join(","));
    expect(lines[1]).toBe(
      `7,2026-01-02T03:04:05.678Z,,,,sign_in.failure,login,'=cmd|' /C calc'!A0,192.0.2.1,,"{""door"":""imap"",""note"":""a \\""quoted\\"", value""}"`,
    );
    expect(lines[2]).toBe("");
    expect(lines).toHaveLength(3);
  });
});

describe("the operations pages' errors", () => {
  const thrown = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("expected a throw");
  };
  const now = new Date("2026-06-01T00:00:00Z");

  it("are translated from what the domain functions throw", () => {
    const backwards = thrown(() => auditRange({ since: now, until: new Date("2026-05-01T00:00:00Z") }, now));
    const long = thrown(() => auditRange({ since: new Date("2020-01-01T00:00:00Z"), until: now }, now));
    expect(errorText(backwards, makeT(ja))).toBe("期間の終了が開始より前になっています。");
    expect(errorText(long, makeT(en))).toBe("One search spans at most 366 days: choose a shorter time range.");
    expect(errorText("no queued job 12", makeT(ja))).toContain("ジョブ 12 はもう待機していません");
    expect(errorText("since: not a valid date", makeT(ja))).toBe("有効な日時ではありません。");
    expect(errorText("until: the year must be from 1970 to 9999", makeT(en))).toBe(
      "Choose a date between the years 1970 and 9999.",
    );
  });

  it("a range without dates is the last 30 days, and one of 366 days is allowed", () => {
    expect(auditRange({}, now)).toEqual({ since: new Date("2026-05-02T00:00:00Z"), until: now });
    const since = new Date(now.getTime() - 366 * 24 * 3600 * 1000);
    expect(auditRange({ since, until: now }, now)).toEqual({ since, until: now });
  });
});

describe("relativeAge", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  it("says how long ago in the reader's language", () => {
    expect(relativeAge(new Date("2026-06-01T09:00:00Z"), now, "en")).toBe("3 hours ago");
    expect(relativeAge(new Date("2026-06-01T09:00:00Z"), now, "ja")).toBe("3 時間前");
    expect(relativeAge(new Date("2026-05-29T12:00:00Z"), now, "en")).toBe("3 days ago");
    expect(relativeAge(new Date("2026-06-01T11:58:00Z"), now, "en")).toBe("2 minutes ago");
  });
});
