// The snooze menu's presets, as instants.
import { addDays, fromWallTime, wallTime } from "../../../components/zoned-time.ts";

/** Preset snooze times in the reader's time zone (the one chosen in Settings, else the browser's). */
export function presetTime(preset: string, timeZone: string | undefined, now = new Date()): Date | null {
  if (preset === "later") {
    // Three hours on, at the start of that hour.
    return fromWallTime({ ...wallTime(new Date(now.getTime() + 3 * 3_600_000), timeZone), minute: 0 }, timeZone);
  }
  const today = wallTime(now, timeZone);
  if (preset === "tomorrow") return fromWallTime({ ...addDays(today, 1), hour: 8, minute: 0 }, timeZone);
  if (preset === "next-week") {
    // Next Monday, 08:00.
    return fromWallTime({ ...addDays(today, (8 - today.weekday) % 7 || 7), hour: 8, minute: 0 }, timeZone);
  }
  return null;
}
