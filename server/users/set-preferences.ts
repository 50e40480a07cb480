// A user's language and time zone (User.locale, User.timeZone; null means
// "as the browser says"), and whether a send or a close goes on to the next
// conversation (User.goToNext), and how the inbox is laid out (User.inboxDensity,
// User.readingPane) — kept on the server, so a sign-in on another browser finds them.
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

export const INBOX_DENSITIES = ["comfortable", "compact"] as const;
export type InboxDensity = (typeof INBOX_DENSITIES)[number];

/** The inbox's layout: both fields optional, so the toolbar can change one without knowing the other. */
export const inboxLayoutInput = z
  .object({ density: z.enum(INBOX_DENSITIES).optional(), readingPane: z.boolean().optional() })
  .refine((v) => v.density !== undefined || v.readingPane !== undefined, "Nothing to change.");

export interface InboxLayout {
  density: InboxDensity;
  readingPane: boolean;
}

export type Preferences = z.infer<typeof preferencesInput> & { goToNext: boolean; inbox: InboxLayout };

export async function userPreferences(userId: number): Promise<Preferences> {
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { locale: true, timeZone: true, goToNext: true, inboxDensity: true, readingPane: true },
  });
  const locale = user?.locale === "en" || user?.locale === "ja" ? user.locale : null;
  const timeZone = user?.timeZone && isTimeZone(user.timeZone) ? user.timeZone : null;
  return {
    locale,
    timeZone,
    goToNext: user?.goToNext ?? false,
    inbox: { density: user?.inboxDensity ?? "comfortable", readingPane: user?.readingPane ?? false },
  };
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

/** The inbox's density and reading pane, as the user last chose them (on any browser). */
export async function setInboxLayout(
  input: z.infer<typeof inboxLayoutInput> & { userId: number; ip?: string | null },
): Promise<InboxLayout> {
  const change = inboxLayoutInput.parse({ density: input.density, readingPane: input.readingPane });
  return db().$transaction(async (tx) => {
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { inboxDensity: change.density, readingPane: change.readingPane },
      select: { inboxDensity: true, readingPane: true },
    });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.preferences",
        subjectType: "user",
        subjectId: input.userId,
        after: change,
        ip: input.ip,
      },
      tx,
    );
    return { density: user.inboxDensity, readingPane: user.readingPane };
  });
}
