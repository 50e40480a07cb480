// How long a customer has waited, as a row of the waiting-longest sort says it, from a clock
// passed in (never today's date): whole units rounded down, in English and Japanese.
import { describe, expect, it } from "vitest";
import { formatWaited } from "../../app/(app)/inbox/waited.ts";
import { en } from "../../app/i18n/messages-en.ts";
import { ja } from "../../app/i18n/messages-ja.ts";
import { makeT } from "../../app/i18n/translate.ts";

const NOW = Date.UTC(2031, 0, 15, 12);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("formatWaited", () => {
  const cases: [number, string, string][] = [
    [0, "0 min", "0分"],
    [59 * 1000, "0 min", "0分"],
    [45 * MIN, "45 min", "45分"],
    [HOUR - 1, "59 min", "59分"],
    [HOUR, "1 h", "1時間"],
    [2 * HOUR + 59 * MIN, "2 h", "2時間"],
    [DAY - 1, "23 h", "23時間"],
    [DAY, "1 d", "1日"],
    [3 * DAY + 23 * HOUR, "3 d", "3日"],
    [400 * DAY, "400 d", "400日"],
  ];
  for (const [ago, english, japanese] of cases) {
    it(`${ago} ms ago is "${english}" / 「${japanese}」`, () => {
      expect(formatWaited(NOW - ago, NOW, makeT(en))).toBe(english);
      expect(formatWaited(NOW - ago, NOW, makeT(ja))).toBe(japanese);
    });
  }

  it("shows no wait when the browser's clock is behind the message's time", () => {
    expect(formatWaited(NOW + 5 * MIN, NOW, makeT(en))).toBe("0 min");
  });
});
