// The caller's own in-app notifications (a mention, an assignment, …) and their settings.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { listNotifications, unreadNotificationCount } from "../../notifications/list-notifications.ts";
import { markNotificationsRead } from "../../notifications/mark-read.ts";
import {
  notificationSettingInput,
  notificationSettings,
  setNotificationDigest,
  setNotificationSetting,
} from "../../notifications/notification-settings.ts";
import { protectedProcedure, router } from "../trpc.ts";

export const notificationsRouter = router({
  list: protectedProcedure.query(({ ctx }) => listNotifications(ctx.user.id)),
  unreadCount: protectedProcedure.query(({ ctx }) => unreadNotificationCount(ctx.user.id)),
  markRead: protectedProcedure
    .input(z.object({ ids: z.array(id).min(1).max(500) }))
    .mutation(({ ctx, input }) => markNotificationsRead({ userId: ctx.user.id, ids: input.ids })),
  markAllRead: protectedProcedure.mutation(({ ctx }) => markNotificationsRead({ userId: ctx.user.id })),
  settings: protectedProcedure.query(({ ctx }) => notificationSettings(ctx.user.id)),
  setSetting: protectedProcedure
    .input(notificationSettingInput)
    .mutation(({ ctx, input }) => setNotificationSetting({ ...input, userId: ctx.user.id, ip: ctx.ip })),
  setDigest: protectedProcedure
    .input(z.object({ digest: z.boolean() }))
    .mutation(({ ctx, input }) => setNotificationDigest({ userId: ctx.user.id, digest: input.digest, ip: ctx.ip })),
});
