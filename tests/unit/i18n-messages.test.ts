// The Japanese dictionary covers the English one, and the locale choice:
// the user's own setting, else the browser's Accept-Language, else English.
import { describe, expect, it } from "vitest";
import { chooseLocale, localeFromAcceptLanguage } from "../../app/i18n/locale.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { localStatusLabels, makeT, translate } from "../../app/i18n/translate.ts";
import { isTimeZone, preferencesInput } from "../../server/users/set-preferences.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the dictionaries", () => {
  it("ja has exactly the keys of en, none empty", () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(ja)) expect(text.trim(), key).not.toBe("");
    for (const [key, text] of Object.entries(en)) expect(text.trim(), key).not.toBe("");
  });

  it("ja uses the same placeholders as en", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("names the key controls as the issue asks", () => {
    const t = makeT(en);
    expect(
      ["conv.reply", "conv.replyAll", "conv.forward", "note.button", "composer.send"].map((k) => t(k as never)),
    ).toEqual(["Reply", "Reply all", "Forward", "Note", "Send"]);
    expect([
      t("workflow.assign"),
      t("workflow.status"),
      t("workflow.snooze"),
      t("tags.button"),
      t("shell.search"),
    ]).toEqual(["Assign", "Status", "Snooze", "Tag", "Search"]);
    const tj = makeT(ja);
    expect([tj("conv.reply"), tj("conv.replyAll"), tj("conv.forward"), tj("note.button"), tj("composer.send")]).toEqual(
      ["返信", "全員に返信", "転送", "メモ", "送信"],
    );
    expect([
      tj("workflow.assign"),
      tj("workflow.status"),
      tj("workflow.snooze"),
      tj("tags.button"),
      tj("shell.search"),
    ]).toEqual(["担当者", "ステータス", "スヌーズ", "タグ", "検索"]);
  });

  it("fills placeholders and leaves unknown ones", () => {
    expect(translate(en, "list.assignedTo", { name: "Ana" })).toBe("Assigned to Ana");
    expect(translate(ja, "inbox.emptyMailbox", { address: "a@b" })).toContain("a@b");
    expect(translate(en, "list.assignedTo")).toBe("Assigned to {name}");
  });

  it("translates default status names but keeps an admin's own", () => {
    const t = makeT(ja);
    expect(localStatusLabels({ open: "Open", pending: "対応中", closed: "Closed", spam: "Spam" }, t)).toEqual({
      open: "未対応",
      pending: "対応中",
      closed: "完了",
      spam: "迷惑メール",
    });
  });
});

describe("choosing the locale", () => {
  it("prefers the user's setting", () => {
    expect(chooseLocale("ja", "en-US,en;q=0.9")).toBe("ja");
    expect(chooseLocale("en", "ja-JP,ja;q=0.9")).toBe("en");
  });

  it("else follows the browser's preference", () => {
    expect(chooseLocale(null, "ja-JP,ja;q=0.9,en-US;q=0.8")).toBe("ja");
    expect(chooseLocale(null, "en-US,en;q=0.9,ja;q=0.8")).toBe("en");
    expect(chooseLocale(null, "fr-FR,ja;q=0.5")).toBe("ja");
    expect(chooseLocale(null, "en;q=0.4,ja;q=0.7")).toBe("ja");
    expect(localeFromAcceptLanguage("ja;q=0")).toBeNull();
  });

  it("else English", () => {
    expect(chooseLocale(null, null)).toBe("en");
    expect(chooseLocale(null, "fr-FR,de;q=0.8")).toBe("en");
    expect(chooseLocale("xx", "")).toBe("en");
  });
});

describe("the preferences input", () => {
  it("accepts en, ja, null and IANA zones only", () => {
    expect(preferencesInput.parse({ locale: "ja", timeZone: "Asia/Tokyo" })).toEqual({
      locale: "ja",
      timeZone: "Asia/Tokyo",
    });
    expect(preferencesInput.parse({ locale: null, timeZone: null })).toEqual({ locale: null, timeZone: null });
    expect(preferencesInput.safeParse({ locale: "fr", timeZone: null }).success).toBe(false);
    expect(preferencesInput.safeParse({ locale: "en", timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(isTimeZone("America/New_York")).toBe(true);
  });
});
