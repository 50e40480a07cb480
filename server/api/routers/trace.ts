// The message trace (server/trace/), for admins only: search, and one
// trace's story. An agent gets the answer of a path that does not exist,
// and the attempt is audited (adminProcedure).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import { authorizeConversation } from "../../access/gate.ts";
import { TRACE_MAX_RANGE_DAYS } from "../../limits.ts";
import { safeText } from "../../safe-text.ts";
import { messageTraceAnchor } from "../../trace/message-anchor.ts";
import { searchTraces } from "../../trace/search-traces.ts";
import { TRACE_RESULTS } from "../../trace/trace-record.ts";
import { traceStory } from "../../trace/trace-story.ts";
import { dateInput as date } from "../date-input.ts";
import { adminProcedure, router } from "../trpc.ts";

const DAY_MS = 24 * 3600_000;
/** A search without dates covers the last two days. */
const DEFAULT_RANGE_MS = 2 * DAY_MS;

const text = (max: number) => safeText.trim().max(max).optional();

export const searchInput = z.object({
  sender: text(320),
  recipient: text(320),
  subject: text(500),
  /** The Message-ID header (named so as not to be taken for a stored message's id). */
  messageIdHeader: text(998),
  clientAddress: text(64),
  /** One term for sender, recipient or Message-ID (an IP: the client; a word: the subject). */
  any: text(998),
  result: z.enum(TRACE_RESULTS as [string, ...string[]]).optional(),
  kind: z.enum(["mx", "submission", "delivery"]).optional(),
  since: date.optional(),
  until: date.optional(),
  /** A stored message: its Message-ID, around when it arrived or was sent (the "Trace" link of a message). */
  message: id.optional(),
  cursor: z.object({ startedAt: date, id: z.number().int().positive() }).nullish(),
});

export const traceRouter = router({
  search: adminProcedure.input(searchInput).query(async ({ input }) => {
    let { since, until } = input;
    let messageId = input.messageIdHeader;
    if (input.message !== undefined) {
      const anchor = await messageTraceAnchor(input.message);
      if (!anchor) throw new TRPCError({ code: "NOT_FOUND", message: "No such message." });
      since ??= anchor.since;
      until ??= anchor.until;
      // A message without a Message-ID cannot be followed to its trace that way.
      if (!anchor.messageIdHeader) {
        return { items: [], nextCursor: null, since, until, messageIdHeader: null, maxRangeDays: TRACE_MAX_RANGE_DAYS };
      }
      messageId = anchor.messageIdHeader;
    }
    until ??= since ? new Date(Math.min(since.getTime() + DEFAULT_RANGE_MS, Date.now() + DAY_MS)) : new Date();
    since ??= new Date(until.getTime() - DEFAULT_RANGE_MS);
    const result = await searchTraces({
      sender: input.sender,
      recipient: input.recipient,
      subject: input.subject,
      messageId,
      clientAddress: input.clientAddress,
      any: input.any,
      result: input.result as (typeof TRACE_RESULTS)[number] | undefined,
      kind: input.kind,
      since,
      until,
      after: input.cursor ?? undefined,
    });
    return { ...result, since, until, messageIdHeader: messageId ?? null, maxRangeDays: TRACE_MAX_RANGE_DAYS };
  }),

  /** One trace and its story; the conversations it names say whether this admin may open them. */
  story: adminProcedure
    .input(z.object({ id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }))
    .query(async ({ ctx, input }) => {
      const story = await traceStory(input.id);
      if (!story) throw new TRPCError({ code: "NOT_FOUND", message: "No such trace." });
      const openable = await Promise.all(
        story.conversations.map(
          async (c) => (await authorizeConversation({ userId: ctx.user.id, conversationId: c.id })) !== null,
        ),
      );
      return {
        ...story,
        conversations: story.conversations.map((c, i) => ({ ...c, canOpen: openable[i] ?? false })),
      };
    }),
});
