import { adminRouter } from "./routers/admin.ts";
import { conversationsRouter } from "./routers/conversations.ts";
import { mailboxRouter } from "./routers/mailbox.ts";
import { meRouter } from "./routers/me.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me: meRouter,
  admin: adminRouter,
  mailbox: mailboxRouter,
  conversations: conversationsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
