// Wall-clock times in the reader's time zone. A user may choose a zone in
// Settings that is not the browser's; "tomorrow at 08:00" and a typed
// date-time then mean 08:00 there, not in the browser's zone, matching how
// LocalTime shows times. With no zone chosen (undefined) the browser's is used.

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** What the wall clock in timeZone reads at an instant (and the weekday, 0 = Sunday). */
export function wallTime(at: Date, timeZone: string | undefined): WallTime & { weekday: number } {
  if (!timeZone) {
    return {
      year: at.getFullYear(),
      month: at.getMonth() + 1,
      day: at.getDate(),
      hour: at.getHours(),
      minute: at.getMinutes(),
      weekday: at.getDay(),
    };
  }
  const parts: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    weekday: "short",
  }).formatToParts(at)) {
    parts[p.type] = p.value;
  }
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday ?? ""),
  };
}

/** The instant at which the wall clock in timeZone reads `wall` (in a DST gap, the hour after). */
export function fromWallTime(wall: WallTime, timeZone: string | undefined): Date {
  if (!timeZone) return new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsetAt = (instant: number) => {
    const w = wallTime(new Date(instant), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - instant;
  };
  // Two rounds settle it across a DST change between the guess and the answer.
  let instant = asUtc - offsetAt(asUtc);
  instant = asUtc - offsetAt(instant);
  return new Date(instant);
}

/** The same wall time `days` calendar days later (calendar arithmetic, no zone involved). */
export function addDays(wall: WallTime, days: number): WallTime {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** A datetime-local value ("2030-01-02T09:00") as wall time, or null. */
export function parseWallTime(value: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  return { year, month, day, hour, minute };
}
