// The search box's language and the tokens behind it, without a database.
import { describe, expect, it } from "vitest";
import { InputError } from "../../server/errors.ts";
import { parseSearchQuery } from "../../server/search/parse-query.ts";
import { termTsquery } from "../../server/search/term-tsquery.ts";
import { bigrams, messageSearchTokens, searchTokens } from "../../server/search/tokens.ts";

const terms = (q: string) => parseSearchQuery(q).terms;
const error = (q: string) => {
  try {
    parseSearchQuery(q);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${q}`);
};

describe("parseSearchQuery", () => {
  it("parses the example from the issue", () => {
    expect(terms('from:tanaka subject:"請求書 再発行" -status:closed has:attachment after:2026-11-01 請求')).toEqual([
      { kind: "text", field: "from", value: "tanaka", negated: false },
      { kind: "text", field: "subject", value: "請求書 再発行", negated: false },
      { kind: "status", value: "closed", negated: true },
      { kind: "has_attachment", negated: false },
      { kind: "after", date: "2026-11-01", negated: false },
      { kind: "text", field: "any", value: "請求", negated: false },
    ]);
  });

  it("reads words, phrases and negations", () => {
    expect(terms('invoice "late payment" -refund')).toEqual([
      { kind: "text", field: "any", value: "invoice", negated: false },
      { kind: "text", field: "any", value: "late payment", negated: false },
      { kind: "text", field: "any", value: "refund", negated: true },
    ]);
    expect(terms('-"do not reply"')).toEqual([{ kind: "text", field: "any", value: "do not reply", negated: true }]);
    expect(terms("e-mail")).toEqual([{ kind: "text", field: "any", value: "e-mail", negated: false }]);
  });

  it("lower-cases and collapses white space", () => {
    expect(terms('Subject:"  Order   NUMBER "')).toEqual([
      { kind: "text", field: "subject", value: "order number", negated: false },
    ]);
    expect(terms("FROM:Tanaka@Example.JP")).toEqual([
      { kind: "text", field: "from", value: "tanaka@example.jp", negated: false },
    ]);
  });

  it("splits on the ideographic space and accepts Japanese quotes", () => {
    expect(terms("請求書　再発行")).toEqual([
      { kind: "text", field: "any", value: "請求書", negated: false },
      { kind: "text", field: "any", value: "再発行", negated: false },
    ]);
    expect(terms("“お見積り 依頼”")).toEqual([{ kind: "text", field: "any", value: "お見積り 依頼", negated: false }]);
  });

  it("normalises full-width and half-width text (NFKC) but does not read full-width operators", () => {
    expect(terms("ｆｒｏｍ：tanaka")).toEqual([{ kind: "text", field: "any", value: "from:tanaka", negated: false }]);
    expect(terms("ｶﾀｶﾅ")).toEqual([{ kind: "text", field: "any", value: "カタカナ", negated: false }]);
    expect(terms("ＩＮＶＯＩＣＥ１２３")).toEqual([
      { kind: "text", field: "any", value: "invoice123", negated: false },
    ]);
    expect(terms("subject:ＡＢＣ")).toEqual([{ kind: "text", field: "subject", value: "abc", negated: false }]);
    expect(terms("after:２０２６-１１-０１")).toEqual([{ kind: "after", date: "2026-11-01", negated: false }]);
  });

  it("reads every operator", () => {
    expect(terms("to:support status:OPEN assignee:me assignee:none assignee:Sato@Example.com")).toEqual([
      { kind: "text", field: "to", value: "support", negated: false },
      { kind: "status", value: "open", negated: false },
      { kind: "assignee", value: { me: true }, negated: false },
      { kind: "assignee", value: { none: true }, negated: false },
      { kind: "assignee", value: { email: "sato@example.com" }, negated: false },
    ]);
    expect(terms('tag:VIP tag:"至急 対応" -tag:spam mailbox:support@example.com -mailbox:sales')).toEqual([
      { kind: "tag", value: "vip", negated: false },
      { kind: "tag", value: "至急 対応", negated: false },
      { kind: "tag", value: "spam", negated: true },
      { kind: "mailbox", value: "support@example.com", negated: false },
      { kind: "mailbox", value: "sales", negated: true },
    ]);
    expect(terms("has:attachments -has:attachment before:2026/12/1 status:snoozed")).toEqual([
      { kind: "has_attachment", negated: false },
      { kind: "has_attachment", negated: true },
      { kind: "before", date: "2026-12-01", negated: false },
      { kind: "status", value: "snoozed", negated: false },
    ]);
  });

  it("treats URLs, times, Re: and quoted operators as text", () => {
    expect(terms("https://example.com/a")).toEqual([
      { kind: "text", field: "any", value: "https://example.com/a", negated: false },
    ]);
    expect(terms("10:30")).toEqual([{ kind: "text", field: "any", value: "10:30", negated: false }]);
    expect(terms("Re: 請求書")).toEqual([
      { kind: "text", field: "any", value: "re:", negated: false },
      { kind: "text", field: "any", value: "請求書", negated: false },
    ]);
    expect(terms('"foo:bar"')).toEqual([{ kind: "text", field: "any", value: "foo:bar", negated: false }]);
  });

  it("drops punctuation-only terms and returns nothing for an empty query", () => {
    expect(terms("")).toEqual([]);
    expect(terms("   　 ")).toEqual([]);
    expect(terms('!!! "" - 。')).toEqual([]);
  });

  it("explains mistakes", () => {
    expect(error("foo:bar")).toMatch(/Unknown operator "foo:"/);
    expect(error("status:waiting")).toMatch(/status: is one of open, pending, closed, spam, snoozed/);
    expect(error("has:image")).toMatch(/has:attachment/);
    expect(error("before:tomorrow")).toMatch(/YYYY-MM-DD/);
    expect(error("after:2026-02-30")).toMatch(/not a date in the calendar/);
    expect(error("after:2026-13-01")).toMatch(/not a date/);
    expect(error("-before:2026-01-01")).toMatch(/use after: instead/);
    expect(error("from:")).toMatch(/from: needs a value/);
    expect(error('subject:""')).toMatch(/subject: needs a value/);
    expect(error("assignee:tanaka")).toMatch(/assignee: takes me, none or a member's email/);
    expect(error("x".repeat(1001))).toMatch(/at most 1000 characters/);
    expect(error(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "))).toMatch(/at most 32 terms/);
  });

  it("runs an unclosed quote to the end", () => {
    expect(terms('subject:"請求書 再発行')).toEqual([
      { kind: "text", field: "subject", value: "請求書 再発行", negated: false },
    ]);
  });
});

describe("search tokens", () => {
  it("makes overlapping bigrams of CJK runs and words of the rest", () => {
    expect(bigrams("請求書")).toEqual(["請求", "求書"]);
    expect(bigrams("字")).toEqual(["字"]);
    expect(searchTokens("請求書の再発行をお願いします。Invoice No.123")).toEqual([
      "請求",
      "求書",
      "書の",
      "の再",
      "再発",
      "発行",
      "行を",
      "をお",
      "お願",
      "願い",
      "いし",
      "しま",
      "ます",
      "invoice",
      "no",
      "123",
    ]);
  });

  it("normalises half-width katakana, full-width Latin and Hangul", () => {
    expect(searchTokens("ｶﾀｶﾅ")).toEqual(["カタ", "タカ", "カナ"]);
    expect(searchTokens("ＡＢＣ")).toEqual(["abc"]);
    expect(searchTokens("안녕하세요")).toEqual(["안녕", "녕하", "하세", "세요"]);
    expect(searchTokens("データーベース")).toContain("ター");
  });

  it("counts characters outside the BMP as one", () => {
    expect(searchTokens("𠮷野家")).toEqual(["𠮷野", "野家"]);
  });

  it("indexes addresses whole, by local part and domain, and names", () => {
    const tokens = messageSearchTokens({
      subject: "Hi",
      fromAddress: "Kana.Sato@Customer.JP",
      fromName: "佐藤 花子",
      to: [{ address: "support@example.com", name: "" }],
      cc: [],
      textBody: null,
      attachments: [],
    } as never).toArray();
    for (const t of [
      "kana.sato@customer.jp",
      "kana.sato",
      "customer.jp",
      "kana",
      "sato",
      "customer",
      "jp",
      "佐藤",
      "花子",
    ]) {
      expect(tokens).toContain(t);
    }
    expect(tokens).toContain("support@example.com");
  });

  it("builds tsqueries: CJK bigrams exact, the last word a prefix", () => {
    expect(termTsquery("請求書")).toBe("'請求' & '求書'");
    expect(termTsquery("invoice")).toBe("'invoice':*");
    expect(termTsquery("late payment")).toBe("'late' & 'payment':*");
    expect(termTsquery("請")).toBe("'請':*");
    expect(termTsquery("yubin請求")).toBe("'yubin' & '請求'");
    expect(termTsquery("o'brien")).toBe("'o' & 'brien':*");
    expect(termTsquery("!!!")).toBeNull();
    // A prefix under 4 characters matches too many words to look up; with other tokens it is left to the
    // substring check (the term is verified), alone it stays.
    expect(termTsquery("alice@example.com")).toBe("'alice' & 'example'");
    expect(termTsquery("com")).toBe("'com':*");
    expect(termTsquery("a.co")).toBe("'a'");
    expect(termTsquery("late pay")).toBe("'late'");
    expect(termTsquery("late paym")).toBe("'late' & 'paym':*");
  });

  it("keeps the token list bounded for huge bodies", () => {
    const huge = Array.from({ length: 300_000 }, (_, i) => String.fromCodePoint(0x4e00 + (i % 20000))).join("");
    const tokens = searchTokens(huge);
    const bytes = tokens.reduce((n, t) => n + Buffer.byteLength(t) + 6, 0);
    expect(bytes).toBeLessThan(600 * 1024);
  });
});
