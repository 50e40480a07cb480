// Marking a user's own notifications read; another user's ids match nothing.
import { db } from "../db.ts";

export async function markNotificationsRead(input: { userId: number; ids?: number[]; now?: Date }): Promise<number> {
  const { count } = await db().notification.updateMany({
    where: { userId: input.userId, readAt: null, ...(input.ids ? { id: { in: input.ids } } : {}) },
    data: { readAt: input.now ?? new Date() },
  });
  return count;
}
