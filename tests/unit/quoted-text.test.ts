import { describe, expect, it } from "vitest";
import { firstWords, splitQuotedText } from "../../app/(app)/conversations/[id]/quoted-text.ts";

describe("splitQuotedText", () => {
  it("folds '>' lines with the 'On … wrote:' line above them", () => {
    const text = "Thanks, that worked.\n\nOn Mon, 1 Jan 2024, Hanako <h@x.example> wrote:\n> Hello,\n>\n> it broke.\n";
    expect(splitQuotedText(text)).toEqual([
      { kind: "text", text: "Thanks, that worked." },
      { kind: "quote", text: "On Mon, 1 Jan 2024, Hanako <h@x.example> wrote:\n> Hello,\n>\n> it broke.\n" },
    ]);
  });

  it("knows an attribution wrapped onto two lines and a Japanese one", () => {
    expect(
      splitQuotedText("ok\nOn Mon, 1 Jan 2024 at 10:00, Hanako Sato\n<h@x.example> wrote:\n> q").map((p) => p.kind),
    ).toEqual(["text", "quote"]);
    const ja = "了解です。\n\n2024年1月1日(月) 10:00 佐藤花子 <h@x.example>さんは書きました:\n> 請求書の再発行について";
    expect(splitQuotedText(ja)).toEqual([
      { kind: "text", text: "了解です。" },
      {
        kind: "quote",
        text: "2024年1月1日(月) 10:00 佐藤花子 <h@x.example>さんは書きました:\n> 請求書の再発行について",
      },
    ]);
  });

  it("keeps an 'On … wrote:' line with no quote below it as text", () => {
    expect(splitQuotedText("On Monday you wrote:\nthat it broke.")).toEqual([
      { kind: "text", text: "On Monday you wrote:\nthat it broke." },
    ]);
  });

  it("keeps text between two quotes (an interleaved answer) visible", () => {
    const parts = splitQuotedText("> question one\nanswer one\n> question two\nanswer two");
    expect(parts.map((p) => p.kind)).toEqual(["quote", "text", "quote", "text"]);
  });

  it("folds a '-- ' signature and an Outlook history block", () => {
    const text = "See you.\n-- \nBob\nSupport\n\n-----Original Message-----\nFrom: Hanako\nHello";
    expect(splitQuotedText(text)).toEqual([
      { kind: "text", text: "See you." },
      { kind: "signature", text: "-- \nBob\nSupport\n" },
      { kind: "quote", text: "-----Original Message-----\nFrom: Hanako\nHello" },
    ]);
  });

  it("does not take a '--' line without the space, or a 'signature' of 40 lines, for a signature", () => {
    expect(splitQuotedText("a\n--\nb").map((p) => p.kind)).toEqual(["text"]);
    const long = `a\n-- \n${"line\n".repeat(40)}`;
    expect(splitQuotedText(long).map((p) => p.kind)).toEqual(["text"]);
  });

  it("handles empty and quote-only text", () => {
    expect(splitQuotedText("")).toEqual([]);
    expect(splitQuotedText("> only\n> quoted").map((p) => p.kind)).toEqual(["quote"]);
  });
});

describe("firstWords", () => {
  it("takes the sender's own words, flattened and cut", () => {
    expect(firstWords("Thanks!\n\nOn Mon, Hanako wrote:\n> Hello")).toBe("Thanks!");
    expect(firstWords(`${"word ".repeat(50)}`, 20)).toBe("word word word word…");
    expect(firstWords(null)).toBe("");
  });
});
