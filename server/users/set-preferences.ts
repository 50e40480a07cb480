// A user's language and time zone (User.locale, User.timeZone; null means
// "as the browser says"), and whether a send or a close goes on to the next
// conversation (User.goToNext).
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const preferencesInput = z.object({
  locale: z.enum(["en", "ja"]).nullable(),
  timeZone: z.string().max(100).refine(isTimeZone, "Unknown time zone").nullable(),
});

export type Preferences = z.infer<typeof preferencesInput> & { goToNext: boolean };

export async function userPreferences(userId: number): Promise<Preferences> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { locale: true, timeZone: true, goToNext: true },
  });
  const locale = user?.locale === "en" || user?.locale === "ja" ? user.locale : null;
  const timeZone = user?.timeZone && isTimeZone(user.timeZone) ? user.timeZone : null;
  return { locale, timeZone, goToNext: user?.goToNext ?? false };
}

export async function setPreferences(
  input: z.infer<typeof preferencesInput> & { userId: number; ip?: string | null },
): Promise<z.infer<typeof preferencesInput>> {
  const prefs = preferencesInput.parse({ locale: input.locale, timeZone: input.timeZone });
  await db().$transaction(async (tx) => {
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { locale: prefs.locale, timeZone: prefs.timeZone },
      select: { id: true },
    });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.preferences",
        subjectType: "user",
        subjectId: user.id,
        after: prefs,
        ip: input.ip,
      },
      tx,
    );
  });
  return prefs;
}

/** "After sending a reply or closing a conversation, go to the next one." */
export async function setGoToNext(input: { userId: number; goToNext: boolean; ip?: string | null }): Promise<boolean> {
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { goToNext: input.goToNext }, select: { id: true } });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.preferences",
        subjectType: "user",
        subjectId: input.userId,
        after: { goToNext: input.goToNext },
        ip: input.ip,
      },
      tx,
    );
  });
  return input.goToNext;
}
