// Wall-clock times in the user's chosen zone (app/components/zoned-time.ts)
// and the snooze presets built on them: "tomorrow at 08:00" is 08:00 where the
// user said they are, across the date line, half-hour zones and DST changes.
import { describe, expect, it } from "vitest";
import { presetTime } from "../../app/(app)/conversations/[id]/snooze-presets.ts";
import { addDays, fromWallTime, parseWallTime, wallTime } from "../../app/components/zoned-time.ts";

const iso = (d: Date | null) => d?.toISOString();

describe("wall time in a zone", () => {
  it("reads the zone's clock and calendar", () => {
    const at = new Date("2030-01-01T15:30:00Z");
    expect(wallTime(at, "Asia/Tokyo")).toEqual({ year: 2030, month: 1, day: 2, hour: 0, minute: 30, weekday: 3 });
    expect(wallTime(at, "America/New_York")).toMatchObject({ day: 1, hour: 10, minute: 30, weekday: 2 });
  });

  it("turns a zone's wall time into the instant, winter and summer", () => {
    const nine = { year: 2030, month: 1, day: 2, hour: 9, minute: 0 };
    expect(iso(fromWallTime(nine, "Asia/Tokyo"))).toBe("2030-01-02T00:00:00.000Z");
    expect(iso(fromWallTime(nine, "America/New_York"))).toBe("2030-01-02T14:00:00.000Z");
    expect(iso(fromWallTime({ ...nine, month: 7 }, "America/New_York"))).toBe("2030-07-02T13:00:00.000Z");
    expect(iso(fromWallTime(nine, "Asia/Kolkata"))).toBe("2030-01-02T03:30:00.000Z");
  });

  it("adds calendar days over month and year ends", () => {
    expect(addDays({ year: 2030, month: 12, day: 31, hour: 8, minute: 0 }, 1)).toEqual({
      year: 2031,
      month: 1,
      day: 1,
      hour: 8,
      minute: 0,
    });
  });

  it("parses datetime-local values and refuses others", () => {
    expect(parseWallTime("2030-01-02T09:05")).toEqual({ year: 2030, month: 1, day: 2, hour: 9, minute: 5 });
    expect(parseWallTime("2030-13-02T09:05")).toBeNull();
    expect(parseWallTime("tomorrow")).toBeNull();
    expect(parseWallTime("")).toBeNull();
  });
});

describe("snooze presets in the user's zone", () => {
  it("tomorrow morning is 08:00 there, also over a DST change", () => {
    // Saturday 9 March 2030, 15:00 in New York; clocks go forward that night.
    const now = new Date("2030-03-09T20:00:00Z");
    expect(iso(presetTime("tomorrow", "America/New_York", now))).toBe("2030-03-10T12:00:00.000Z");
    // The same instant is already Sunday 05:00 in Tokyo: tomorrow is Monday there.
    expect(iso(presetTime("tomorrow", "Asia/Tokyo", now))).toBe("2030-03-10T23:00:00.000Z");
  });

  it("next week is the next Monday 08:00 there, a full week on from a Monday", () => {
    // Monday 7 January 2030, 05:00 in Tokyo (still Sunday in UTC).
    const now = new Date("2030-01-06T20:00:00Z");
    expect(iso(presetTime("next-week", "Asia/Tokyo", now))).toBe("2030-01-13T23:00:00.000Z");
    // In New York it is Sunday 6 January, 15:00: the next day is Monday.
    expect(iso(presetTime("next-week", "America/New_York", now))).toBe("2030-01-07T13:00:00.000Z");
  });

  it("later today is on the hour of the zone, which in India is on the half hour of UTC", () => {
    const now = new Date("2030-01-01T10:20:00Z");
    expect(iso(presetTime("later", "Asia/Kolkata", now))).toBe("2030-01-01T12:30:00.000Z");
    expect(iso(presetTime("later", "Asia/Tokyo", now))).toBe("2030-01-01T13:00:00.000Z");
    expect(presetTime("custom", "Asia/Tokyo", now)).toBeNull();
  });
});
