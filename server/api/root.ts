import { adminRouter } from "./routers/admin.ts";
import { appPasswordsRouter } from "./routers/app-passwords.ts";
import { approvalRouter } from "./routers/approval.ts";
import { bulkRouter } from "./routers/bulk.ts";
import { contactsRouter } from "./routers/contacts.ts";
import { conversationsRouter } from "./routers/conversations.ts";
import { draftsRouter } from "./routers/drafts.ts";
import { mailboxRouter } from "./routers/mailbox.ts";
import { meRouter } from "./routers/me.ts";
import { notesRouter } from "./routers/notes.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { passwordLinkRouter } from "./routers/password-link.ts";
import { preferencesRouter } from "./routers/preferences.ts";
import { presenceRouter } from "./routers/presence.ts";
import { quotasRouter } from "./routers/quotas.ts";
import { recoveryRouter } from "./routers/recovery.ts";
import { savedRepliesRouter } from "./routers/saved-replies.ts";
import { searchRouter } from "./routers/search.ts";
import { sendersRouter } from "./routers/senders.ts";
import { signaturesRouter } from "./routers/signatures.ts";
import { tagsRouter } from "./routers/tags.ts";
import { traceRouter } from "./routers/trace.ts";
import { workflowRouter } from "./routers/workflow.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  me: meRouter,
  admin: adminRouter,
  mailbox: mailboxRouter,
  conversations: conversationsRouter,
  drafts: draftsRouter,
  search: searchRouter,
  notes: notesRouter,
  notifications: notificationsRouter,
  tags: tagsRouter,
  savedReplies: savedRepliesRouter,
  signatures: signaturesRouter,
  contacts: contactsRouter,
  workflow: workflowRouter,
  bulk: bulkRouter,
  senders: sendersRouter,
  approval: approvalRouter,
  preferences: preferencesRouter,
  presence: presenceRouter,
  appPasswords: appPasswordsRouter,
  passwordLink: passwordLinkRouter,
  recovery: recoveryRouter,
  quotas: quotasRouter,
  trace: traceRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
