// A user's notification settings: for each kind, in the app / by e-mail / as
// a browser notification, and whether a daily digest of unread notices is
// mailed. Settings apply to notices created from then on.
import { z } from "zod";
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import {
  DEFAULT_CHANNELS,
  NOTIFICATION_KINDS,
  type NotificationChannels,
  type NotificationKind,
} from "./notification-kinds.ts";

export interface NotificationSettings {
  kinds: Record<NotificationKind, NotificationChannels>;
  digest: boolean;
}

export const notificationSettingInput = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  inApp: z.boolean(),
  email: z.boolean(),
  browser: z.boolean(),
});

export async function notificationSettings(userId: number): Promise<NotificationSettings> {
  const [rows, user] = await Promise.all([
    db().notificationSetting.findMany({ where: { userId } }),
    db().user.findUnique({ where: { id: userId }, select: { notificationDigest: true } }),
  ]);
  const chosen = new Map(rows.map((r) => [r.kind, r]));
  const kinds = Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => {
      const row = chosen.get(kind);
      return [kind, row ? { inApp: row.inApp, email: row.email, browser: row.browser } : { ...DEFAULT_CHANNELS }];
    }),
  ) as Record<NotificationKind, NotificationChannels>;
  return { kinds, digest: user?.notificationDigest ?? false };
}

export async function setNotificationSetting(
  input: z.infer<typeof notificationSettingInput> & { userId: number; ip?: string | null },
): Promise<NotificationChannels> {
  const { kind, inApp, email, browser } = notificationSettingInput.parse(input);
  await db().$transaction(async (tx) => {
    await tx.notificationSetting.upsert({
      where: { userId_kind: { userId: input.userId, kind } },
      create: { userId: input.userId, kind, inApp, email, browser },
      update: { inApp, email, browser },
    });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.notification-setting",
        subjectType: "user",
        subjectId: input.userId,
        after: { kind, inApp, email, browser },
        ip: input.ip,
      },
      tx,
    );
  });
  return { inApp, email, browser };
}

export async function setNotificationDigest(input: {
  userId: number;
  digest: boolean;
  ip?: string | null;
}): Promise<boolean> {
  await db().$transaction(async (tx) => {
    await tx.user.update({ where: { id: input.userId }, data: { notificationDigest: input.digest } });
    await recordAudit(
      {
        actorId: input.userId,
        action: "user.notification-digest",
        subjectType: "user",
        subjectId: input.userId,
        after: { digest: input.digest },
        ip: input.ip,
      },
      tx,
    );
  });
  return input.digest;
}
