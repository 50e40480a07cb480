import { adminRouter } from "./routers/admin.ts";
import { appPasswordsRouter } from "./routers/app-passwords.ts";
import { approvalRouter } from "./routers/approval.ts";
import { collaborationRouter } from "./routers/collaboration.ts";
import { conversationsRouter } from "./routers/conversations.ts";
import { mailboxRouter } from "./routers/mailbox.ts";
import { meRouter } from "./routers/me.ts";
import { preferencesRouter } from "./routers/preferences.ts";
import { presenceRouter } from "./routers/presence.ts";
import { searchRouter } from "./routers/search.ts";
import { workflowRouter } from "./routers/workflow.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me: meRouter,
  admin: adminRouter,
  mailbox: mailboxRouter,
  conversations: conversationsRouter,
  search: searchRouter,
  collaboration: collaborationRouter,
  workflow: workflowRouter,
  approval: approvalRouter,
  preferences: preferencesRouter,
  presence: presenceRouter,
  appPasswords: appPasswordsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
