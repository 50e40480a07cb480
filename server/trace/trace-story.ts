// One trace told as a story, oldest step first: where the mail came from,
// what was said and answered, which checks passed or failed, whether it was
// accepted and what that reply means, which conversation it joined and who
// handles it; for outbound mail, every attempt of the queue until delivered
// or bounced. Entries are sentences by key with parameters, so the admin
// page (in the reader's language) and `yubin trace` tell the same story.
import { sql } from "../db/raw-sql.ts";
import {
  type CheckExplanation,
  type CheckName,
  explainCheck,
  explainReply,
  type ReplyExplanation,
} from "./explain-reply.ts";
import type { TraceSummary } from "./search-traces.ts";
import type { TraceKind, TraceNote, TraceRecipient, TraceResult, TraceStep } from "./trace-record.ts";

export type StoryKey =
  | "connected"
  | "helo"
  | "tls"
  | "noTls"
  | "authOk"
  | "authFailed"
  | "mailFrom"
  | "mailFromRefused"
  | "rcptOk"
  | "rcptRefused"
  | "check"
  | "message"
  | "accepted"
  | "refused"
  | "deferred"
  | "abandoned"
  | "stored"
  | "storedUnassigned"
  | "queued"
  | "note"
  | "attempt"
  | "attemptFailed"
  | "attemptLocal"
  | "remoteOk"
  | "remoteRefused"
  | "delivered"
  | "retryAt"
  | "bounced"
  | "dsn"
  | "delayDsn";

export interface StoryEntry {
  at: Date;
  key: StoryKey;
  params: Record<string, string | number>;
  tone: "ok" | "fail" | "warn" | "info";
  /** The exact reply the step rests on. */
  reply?: string;
  /** What it means in plain words. */
  why?: ReplyExplanation | CheckExplanation | `note.${TraceNote}`;
  /** A time the sentence names ("will try again at {time}"), shown in the reader's zone. */
  time?: Date;
  conversationId?: number;
}

export interface TraceDetail extends TraceSummary {
  endedAt: Date;
  sessionId: string;
  helo: string | null;
  tlsVersion: string | null;
  tlsCipher: string | null;
  size: number | null;
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  arc: string | null;
  messageIds: number[];
  conversationIds: number[];
  outboundMessageId: number | null;
  deliveryJobId: number | null;
  remoteAddress: string | null;
  nextAttemptAt: Date | null;
  dsnMessageId: string | null;
  rcpts: TraceRecipient[];
  steps: TraceStep[];
  droppedSteps: number;
  notes: TraceNote[];
  dkimDomains: string[];
  dmarcPolicy: string | null;
  fromDomain: string | null;
}

export interface StoryConversation {
  id: number;
  subject: string;
  mailbox: string;
  status: string;
  assignee: string | null;
}

export interface QueueJob {
  id: number;
  domain: string;
  state: string;
  attempts: number;
  nextAttemptAt: Date;
  lastReply: string | null;
}

export interface TraceStory {
  trace: TraceDetail;
  entries: StoryEntry[];
  conversations: StoryConversation[];
  /** Other traces of the same message (same Message-ID, or attempts of the same queued message), oldest first. */
  related: TraceSummary[];
  /** The queue's jobs for an outbound message, as they stand now. */
  queue: QueueJob[];
}

interface DetailRow
  extends Omit<
    TraceDetail,
    "id" | "rcpts" | "steps" | "droppedSteps" | "notes" | "dkimDomains" | "dmarcPolicy" | "fromDomain"
  > {
  id: bigint;
  details: {
    rcpts?: TraceRecipient[];
    steps?: TraceStep[];
    droppedSteps?: number;
    notes?: TraceNote[];
    auth?: { dkimDomains?: string[]; dmarcPolicy?: string | null; fromDomain?: string | null };
  };
}

/** The trace and its story; null when there is no such trace (or it was purged). */
export async function traceStory(id: number): Promise<TraceStory | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const [row] = await sql.$queryRaw<DetailRow[]>`
    select id, kind, result, "startedAt", "endedAt", "sessionId", "clientAddress", "clientName", helo,
      "tlsVersion", "tlsCipher", "authUser", "mailFrom", recipients, size, "replyCode", "replyText",
      spf, dkim, dmarc, arc, "messageIdHeader", subject, "messageIds", "conversationIds", "outboundMessageId",
      "deliveryJobId", attempt, "remoteHost", "remoteAddress", "nextAttemptAt", "dsnMessageId", details
    from "MessageTrace" where id = ${BigInt(id)}`;
  if (!row) return null;
  const { details, ...rest } = row;
  const trace: TraceDetail = {
    ...rest,
    id: Number(row.id),
    rcpts: details.rcpts ?? [],
    steps: details.steps ?? [],
    droppedSteps: details.droppedSteps ?? 0,
    notes: details.notes ?? [],
    dkimDomains: details.auth?.dkimDomains ?? [],
    dmarcPolicy: details.auth?.dmarcPolicy ?? null,
    fromDomain: details.auth?.fromDomain ?? null,
  };
  const [conversations, related, queue] = await Promise.all([
    conversationsOf(trace),
    relatedTraces(trace),
    queueJobs(trace.outboundMessageId),
  ]);
  return { trace, entries: storyEntries(trace, conversations), conversations, related, queue };
}

/** The conversations it joined (inbound), or the one the sent copy is in (outbound). */
async function conversationsOf(trace: TraceDetail): Promise<StoryConversation[]> {
  const ids = [...trace.conversationIds];
  if (trace.outboundMessageId !== null && ids.length === 0) {
    const rows = await sql.$queryRaw<{ conversationId: number | null }[]>`
      select m."conversationId" from "OutboundMessage" o join "Message" m on m.id = o."storedMessageId"
      where o.id = ${trace.outboundMessageId}`;
    for (const r of rows) if (r.conversationId) ids.push(r.conversationId);
  }
  if (ids.length === 0) return [];
  return sql.$queryRaw<StoryConversation[]>`
    select c.id, c.subject, mb.address as mailbox, c.status::text as status, u.name as assignee
    from "Conversation" c
    join "Mailbox" mb on mb.id = c."mailboxId"
    left join "User" u on u.id = c."assigneeId"
    where c.id = any(${ids}::int[]) and c."deletedAt" is null
    order by c.id`;
}

async function relatedTraces(trace: TraceDetail): Promise<TraceSummary[]> {
  if (!trace.messageIdHeader && trace.outboundMessageId === null) return [];
  const rows = await sql.$queryRaw<(Omit<TraceSummary, "id"> & { id: bigint })[]>`
    select id, kind, result, "startedAt", "clientAddress", "clientName", "authUser", "mailFrom",
      recipients, subject, "messageIdHeader", "replyCode", "replyText", "remoteHost", attempt
    from "MessageTrace"
    where id <> ${BigInt(trace.id)}
      and (("messageIdHeader" = ${trace.messageIdHeader}::text)
        or ("outboundMessageId" = ${trace.outboundMessageId}::int))
    order by "startedAt", id
    limit 100`;
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

async function queueJobs(outboundMessageId: number | null): Promise<QueueJob[]> {
  if (outboundMessageId === null) return [];
  return sql.$queryRaw<QueueJob[]>`
    select id, domain, state::text as state, attempts, "nextAttemptAt", "lastReply"
    from "DeliveryJob" where "outboundMessageId" = ${outboundMessageId} order by id`;
}

const toneOf = (code: number): StoryEntry["tone"] => (code < 400 ? "ok" : code < 500 ? "warn" : "fail");

/** The story's sentences, in the order things happened. */
export function storyEntries(trace: TraceDetail, conversations: StoryConversation[]): StoryEntry[] {
  return trace.kind === "delivery" ? deliveryEntries(trace, conversations) : inboundEntries(trace, conversations);
}

function inboundEntries(trace: TraceDetail, conversations: StoryConversation[]): StoryEntry[] {
  const at = (ms = 0) => new Date(trace.startedAt.getTime() + ms);
  const kind: TraceKind = trace.kind;
  const entries: StoryEntry[] = [];
  const client = trace.clientName ? `${trace.clientName} [${trace.clientAddress}]` : `[${trace.clientAddress ?? "?"}]`;
  // The connection's own facts at its first step kept (the greeting, for a first transaction).
  const opened = at(Math.min(0, ...trace.steps.map((s) => s.at)));
  const stepAt = (name: string) => trace.steps.find((s) => (s.command ?? "").toUpperCase().startsWith(name));
  entries.push({ at: opened, key: "connected", params: { client }, tone: "info" });
  if (trace.helo) {
    const helo = stepAt("EHLO") ?? stepAt("HELO");
    entries.push({ at: helo ? at(helo.at) : opened, key: "helo", params: { helo: trace.helo }, tone: "info" });
  }
  const tlsAt = stepAt("STARTTLS");
  entries.push(
    trace.tlsVersion
      ? {
          at: tlsAt ? at(tlsAt.at) : opened,
          key: "tls",
          params: { version: trace.tlsVersion, cipher: trace.tlsCipher ?? "" },
          tone: "ok",
        }
      : { at: opened, key: "noTls", params: {}, tone: "info" },
  );
  // The exchange, step by step, as far as the story tells it.
  const rcptTimes: Date[] = [];
  for (const step of trace.steps) {
    const command = step.command ?? "";
    const name = (/^\S*/.exec(command)?.[0] ?? "").toUpperCase();
    const reply = step.reply ?? "";
    const code = Number(reply.slice(0, 3)) || 0;
    const when = at(step.at);
    // "(AUTH response, not shown)" is a continuation line of the exchange.
    const auth = name === "AUTH" || name === "(AUTH";
    if (auth && code >= 400) {
      const why = explainReply(code, reply, kind);
      entries.push({ at: when, key: "authFailed", params: { user: trace.authUser ?? "?" }, tone: "fail", reply, why });
    } else if (auth && code === 235) {
      entries.push({ at: when, key: "authOk", params: { user: trace.authUser ?? "?" }, tone: "ok", reply });
    } else if (name === "MAIL") {
      const sender = trace.mailFrom === "" ? "<>" : (trace.mailFrom ?? "?");
      const size = trace.size ?? 0;
      entries.push(
        code >= 400
          ? {
              at: when,
              key: "mailFromRefused",
              params: { sender, size },
              tone: toneOf(code),
              reply,
              why: explainReply(code, reply, kind),
            }
          : { at: when, key: "mailFrom", params: { sender, size }, tone: "info", reply },
      );
    } else if (name === "RCPT") {
      rcptTimes.push(when);
    } else if (!command && reply && code >= 400 && trace.steps.length === 1) {
      // Refused at the greeting: no command came.
      entries.push({
        at: when,
        key: "refused",
        params: {},
        tone: toneOf(code),
        reply,
        why: explainReply(code, reply, kind),
      });
    }
  }
  // Each recipient with its reply, also those whose RCPT step the trace did not keep.
  for (const [i, r] of trace.rcpts.entries()) {
    const when = rcptTimes[i] ?? rcptTimes.at(-1) ?? at();
    entries.push(
      r.code >= 400
        ? {
            at: when,
            key: "rcptRefused",
            params: { address: r.address },
            tone: toneOf(r.code),
            reply: r.reply,
            why: explainReply(r.code, r.reply, kind, false),
          }
        : { at: when, key: "rcptOk", params: { address: r.address }, tone: "ok", reply: r.reply },
    );
  }
  if (trace.messageIdHeader || trace.subject !== null) {
    entries.push({
      at: at(trace.steps.find((s) => /^DATA/i.test(s.command ?? ""))?.at ?? 0),
      key: "message",
      params: { messageId: trace.messageIdHeader ?? "—", subject: trace.subject ?? "—", size: trace.size ?? 0 },
      tone: "info",
    });
  }
  for (const [check, result] of [
    ["spf", trace.spf],
    ["dkim", trace.dkim],
    ["dmarc", trace.dmarc],
    ["arc", trace.arc],
  ] as [CheckName, string | null][]) {
    if (result === null) continue;
    entries.push({
      at: at(trace.steps.find((s) => /^DATA/i.test(s.command ?? ""))?.at ?? 0),
      key: "check",
      params: { check: check.toUpperCase(), result, domain: checkDomain(trace, check) },
      tone: result === "pass" ? "ok" : result === "fail" || result === "permerror" ? "fail" : "info",
      why: explainCheck(check, result),
    });
  }
  const end = new Date(trace.endedAt);
  const reply = trace.replyText ?? "";
  const code = trace.replyCode ?? 0;
  const outcome: Record<TraceResult, StoryKey> = {
    delivered: "accepted",
    rejected: "refused",
    deferred: "deferred",
    bounced: "refused",
    abandoned: "abandoned",
  };
  const settled = entries.some((e) => e.reply === reply && e.why && reply);
  if (trace.result === "abandoned" || !settled || trace.result === "delivered") {
    entries.push({
      at: end,
      key: outcome[trace.result],
      params: {},
      tone: trace.result === "delivered" ? "ok" : trace.result === "abandoned" ? "info" : toneOf(code),
      ...(reply ? { reply, why: explainReply(code, reply, kind) } : {}),
    });
  } else {
    entries.push({ at: end, key: outcome[trace.result], params: {}, tone: toneOf(code) });
  }
  for (const note of trace.notes) entries.push({ at: end, key: "note", params: {}, tone: "warn", why: `note.${note}` });
  for (const c of conversations) {
    entries.push({
      at: end,
      key: c.assignee ? "stored" : "storedUnassigned",
      params: { id: c.id, subject: c.subject, mailbox: c.mailbox, assignee: c.assignee ?? "" },
      tone: "ok",
      conversationId: c.id,
    });
  }
  if (trace.kind === "submission" && trace.outboundMessageId !== null) {
    entries.push({ at: end, key: "queued", params: { id: trace.outboundMessageId }, tone: "info" });
  }
  // In time order; entries of the same moment keep the order they were told in.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
    .map(({ e }) => e);
}

function checkDomain(trace: TraceDetail, check: CheckName): string {
  if (check === "spf") return trace.mailFrom || trace.helo || "";
  if (check === "dkim") return trace.dkimDomains.join(", ");
  if (check === "dmarc") return trace.fromDomain ?? "";
  return "";
}

function deliveryEntries(trace: TraceDetail, conversations: StoryConversation[]): StoryEntry[] {
  const start = trace.startedAt;
  const end = trace.endedAt;
  const entries: StoryEntry[] = [];
  for (const c of conversations) {
    entries.push({
      at: start,
      key: c.assignee ? "stored" : "storedUnassigned",
      params: { id: c.id, subject: c.subject, mailbox: c.mailbox, assignee: c.assignee ?? "" },
      tone: "info",
      conversationId: c.id,
    });
  }
  const n = trace.attempt ?? 1;
  const connected = !trace.notes.includes("no_connection");
  if (trace.notes.includes("local")) {
    entries.push({ at: start, key: "attemptLocal", params: { n }, tone: "info" });
  } else if (trace.remoteHost || trace.remoteAddress) {
    entries.push({
      at: start,
      key: connected ? "attempt" : "attemptFailed",
      params: { n, host: trace.remoteHost ?? "?", address: trace.remoteAddress ?? "?" },
      tone: connected ? "info" : "warn",
    });
    if (connected) {
      entries.push(
        trace.tlsVersion
          ? { at: start, key: "tls", params: { version: trace.tlsVersion, cipher: trace.tlsCipher ?? "" }, tone: "ok" }
          : { at: start, key: "noTls", params: {}, tone: "warn" },
      );
    }
  } else {
    entries.push({ at: start, key: "attemptFailed", params: { n, host: "—", address: "—" }, tone: "warn" });
  }
  if (trace.messageIdHeader || trace.subject !== null) {
    entries.push({
      at: start,
      key: "message",
      params: { messageId: trace.messageIdHeader ?? "—", subject: trace.subject ?? "—", size: trace.size ?? 0 },
      tone: "info",
    });
  }
  for (const r of trace.rcpts) {
    entries.push(
      r.code < 400
        ? { at: end, key: "remoteOk", params: { address: r.address }, tone: "ok", reply: r.reply }
        : {
            at: end,
            key: "remoteRefused",
            params: { address: r.address },
            tone: toneOf(r.code),
            reply: r.reply,
            why: explainReply(r.code, r.reply, "delivery", false),
          },
    );
  }
  if (trace.result === "delivered") entries.push({ at: end, key: "delivered", params: {}, tone: "ok" });
  if (trace.nextAttemptAt) {
    entries.push({ at: end, key: "retryAt", params: {}, tone: "warn", time: trace.nextAttemptAt });
  }
  if (trace.result === "bounced") entries.push({ at: end, key: "bounced", params: {}, tone: "fail" });
  for (const note of trace.notes) {
    if (note === "no_connection" || note === "local") continue;
    entries.push({ at: end, key: "note", params: {}, tone: "warn", why: `note.${note}` });
  }
  if (trace.dsnMessageId) {
    entries.push({
      at: end,
      key: trace.result === "bounced" || trace.result === "delivered" ? "dsn" : "delayDsn",
      params: { sender: trace.mailFrom || "<>", messageId: trace.dsnMessageId },
      tone: "info",
    });
  }
  return entries;
}
