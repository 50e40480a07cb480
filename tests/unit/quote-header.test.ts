// The line above a quoted original and the forward header, in the writer's
// language and time zone; without preferences, exactly the historic English/UTC form.
import { describe, expect, it } from "vitest";
import { forwardHeader, replyAttribution } from "../../server/compose/quote-header.ts";

// 15:30 UTC on Friday 1 March is Saturday 2 March, 00:30 in Tokyo.
const AT = new Date("2024-03-01T15:30:00Z");
const SENDER = "山田 太郎 <taro@customer.example>";

describe("the quote header", () => {
  it("is unchanged for a writer without preferences", () => {
    expect(replyAttribution(AT, SENDER)).toBe(`On Fri, 01 Mar 2024 15:30:00 GMT, ${SENDER} wrote:`);
    expect(replyAttribution(AT, SENDER, { locale: "en", timeZone: null })).toBe(
      `On Fri, 01 Mar 2024 15:30:00 GMT, ${SENDER} wrote:`,
    );
  });

  it("is Japanese, in Tokyo time, for a Japanese writer in Tokyo", () => {
    expect(replyAttribution(AT, SENDER, { locale: "ja", timeZone: "Asia/Tokyo" })).toBe(
      `2024年3月2日(土) 0:30 JST ${SENDER}:`,
    );
    // No zone chosen: the server cannot know the browser's, so it says UTC.
    expect(replyAttribution(AT, SENDER, { locale: "ja", timeZone: null })).toBe(
      `2024年3月1日(金) 15:30 UTC ${SENDER}:`,
    );
  });

  it("is English in the writer's zone when they chose one", () => {
    expect(replyAttribution(AT, SENDER, { locale: "en", timeZone: "America/New_York" })).toBe(
      `On Fri, 1 Mar 2024, 10:30 EST, ${SENDER} wrote:`,
    );
  });

  it("heads a forward in the writer's language", () => {
    const input = { date: AT, sender: SENDER, subject: "納品日のご確認", to: "support@example.com", cc: "" };
    expect(forwardHeader(input)).toEqual([
      "---------- Forwarded message ----------",
      `From: ${SENDER}`,
      "Date: Fri, 01 Mar 2024 15:30:00 GMT",
      "Subject: 納品日のご確認",
      "To: support@example.com",
    ]);
    expect(forwardHeader(input, { locale: "ja", timeZone: "Asia/Tokyo" })).toEqual([
      "---------- 転送メッセージ ----------",
      `差出人: ${SENDER}`,
      "日付: 2024年3月2日(土) 0:30 JST",
      "件名: 納品日のご確認",
      "宛先: support@example.com",
    ]);
  });
});
