// The lines above a quoted or forwarded original ("On …, X wrote:" and the
// forward header), in the writer's language and time zone (Settings). They
// become part of the mail the customer reads, so the server writes them, not
// the UI dictionary. A writer with no preferences gets the historic English
// form with an RFC 5322-style UTC date, as before.

export interface WriterPreferences {
  locale: string | null;
  timeZone: string | null;
}

const NONE: WriterPreferences = { locale: null, timeZone: null };

/** The original's date for a human: in the writer's zone (named), else UTC. */
function humanDate(date: Date, prefs: WriterPreferences): string {
  if (prefs.locale !== "ja" && !prefs.timeZone) return date.toUTCString();
  const timeZone = prefs.timeZone ?? "UTC";
  if (prefs.locale === "ja") {
    // 2024年3月2日(土) 0:30 JST — the form Japanese mail clients use.
    const day = new Intl.DateTimeFormat("ja-JP", { timeZone, dateStyle: "long" }).format(date);
    const weekday = new Intl.DateTimeFormat("ja-JP", { timeZone, weekday: "short" }).format(date);
    const time = new Intl.DateTimeFormat("ja-JP", { timeZone, timeStyle: "short" }).format(date);
    return `${day}(${weekday}) ${time} ${zoneName(date, timeZone, "ja-JP")}`;
  }
  const when = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
  return `${when} ${zoneName(date, timeZone, "en-US")}`;
}

/** JST, EST, GMT+5:30…: as short as the language names the zone. */
function zoneName(date: Date, timeZone: string, tag: string): string {
  return (
    new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: "short" })
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName")?.value ?? timeZone
  );
}

/** "On <date>, <sender> wrote:" */
export function replyAttribution(date: Date, sender: string, prefs: WriterPreferences = NONE): string {
  if (prefs.locale === "ja") return `${humanDate(date, prefs)} ${sender}:`;
  return `On ${humanDate(date, prefs)}, ${sender} wrote:`;
}

/** The header block of a forwarded original. */
export function forwardHeader(
  input: { date: Date; sender: string; subject: string; to: string; cc: string },
  prefs: WriterPreferences = NONE,
): string[] {
  const ja = prefs.locale === "ja";
  const [title, from, date, subject, to] = ja
    ? ["---------- 転送メッセージ ----------", "差出人", "日付", "件名", "宛先"]
    : ["---------- Forwarded message ----------", "From", "Date", "Subject", "To"];
  return [
    title,
    `${from}: ${input.sender}`,
    `${date}: ${humanDate(input.date, prefs)}`,
    `${subject}: ${input.subject}`,
    ...(input.to ? [`${to}: ${input.to}`] : []),
    ...(input.cc ? [`Cc: ${input.cc}`] : []),
  ];
}
