// The gate's answers for the calls of one request. Opening a conversation asks
// about ten procedures at once (one tRPC batch, or one server render), and each
// membership tier asked the gate (gate.ts) the same question again: ten
// identical queries per open. A RequestGate asks the gate once per (user,
// resource) and hands the same answer to every call of that request. It
// decides nothing itself: every answer is the gate's, asked the first time it
// is needed, and it lives exactly as long as the request's tRPC context.
//
// Only a context that serves one request keeps answers (the tRPC route, a
// server component's render: server/api/trpc.ts `oneRequest`); a caller that
// lives longer (a script, a test's caller used across many steps) asks the gate
// every time, as before. A mutation always asks afresh and drops what was kept,
// so a call after a change (a delete, a membership removed) is asked again.
import {
  type AuthorizedConversation,
  type AuthorizedMailboxId,
  type AuthorizedMessage,
  authorizeConversation,
  authorizeMailbox,
  authorizeMessage,
  mailboxScope,
} from "./gate.ts";

export class RequestGate {
  /** Answers by "kind user id"; null when this gate keeps nothing. */
  private readonly answers: Map<string, Promise<unknown>> | null;

  constructor(options: { keep: boolean }) {
    this.answers = options.keep ? new Map() : null;
  }

  /** authorizeConversation, once per request. */
  conversation(userId: number, conversationId: number): Promise<AuthorizedConversation | null> {
    return this.once(`conversation ${userId} ${conversationId}`, () =>
      authorizeConversation({ userId, conversationId }),
    );
  }

  /** authorizeMessage, once per request. */
  message(userId: number, messageId: number): Promise<AuthorizedMessage | null> {
    return this.once(`message ${userId} ${messageId}`, () => authorizeMessage({ userId, messageId }));
  }

  /** authorizeMailbox, once per request. */
  mailbox(userId: number, mailboxId: number): Promise<AuthorizedMailboxId | null> {
    return this.once(`mailbox ${userId} ${mailboxId}`, () => authorizeMailbox({ userId, mailboxId }));
  }

  /** mailboxScope, once per request. */
  scope(userId: number, mailboxId: number | undefined): Promise<AuthorizedMailboxId[] | null> {
    return this.once(`scope ${userId} ${mailboxId ?? "all"}`, () => mailboxScope({ userId, mailboxId }));
  }

  /** The same questions asked of the gate every time, the kept answers dropped: for a mutation. */
  afresh(): RequestGate {
    this.forget();
    return UNKEPT;
  }

  /** Drops every kept answer: after a change, the next question is asked again. */
  forget(): void {
    this.answers?.clear();
  }

  private once<T>(key: string, ask: () => Promise<T>): Promise<T> {
    const answers = this.answers;
    if (!answers) return ask();
    const kept = answers.get(key) as Promise<T> | undefined;
    if (kept) return kept;
    const answer = ask();
    answers.set(key, answer);
    // A failed question (the database went away) is not an answer: the next call asks again.
    answer.catch(() => {
      if (answers.get(key) === answer) answers.delete(key);
    });
    return answer;
  }
}

/** A gate that keeps nothing (stateless, so one serves everyone). */
const UNKEPT = new RequestGate({ keep: false });
