// The caller's own in-app notifications (a mention in a note, say).
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { listNotifications, unreadNotificationCount } from "../../notifications/list-notifications.ts";
import { markNotificationsRead } from "../../notifications/mark-read.ts";
import { protectedProcedure, router } from "../trpc.ts";

export const notificationsRouter = router({
  list: protectedProcedure.query(({ ctx }) => listNotifications(ctx.user.id)),
  unreadCount: protectedProcedure.query(({ ctx }) => unreadNotificationCount(ctx.user.id)),
  markRead: protectedProcedure
    .input(z.object({ ids: z.array(id).min(1).max(500) }))
    .mutation(({ ctx, input }) => markNotificationsRead({ userId: ctx.user.id, ids: input.ids })),
  markAllRead: protectedProcedure.mutation(({ ctx }) => markNotificationsRead({ userId: ctx.user.id })),
});
