// Writes a batch of traces in one statement: the MessageTrace rows and their
// recipient rows (for search by recipient and time), from one JSON parameter,
// so a batch of 500 costs one statement and one commit.
import { type RawSql, sqlTransaction } from "../db/raw-sql.ts";
import { TRACE_MAX_SUBJECT, TRACE_MAX_TEXT } from "../limits.ts";
import type { TraceRecord } from "./trace-record.ts";

/** NUL or any surrogate: only then can a value need cleaning. */
const MAYBE_UNSAFE = /[\0\uD800-\uDFFF]/;

/**
 * Text from the network as PostgreSQL takes it: no NUL (text and jsonb
 * refuse it, and one bad row would fail the whole batch), no lone
 * surrogates, and bounded.
 */
export function cleanText(value: string | null | undefined, max = TRACE_MAX_TEXT): string | null {
  if (value === null || value === undefined) return null;
  // NUL, and a UTF-16 surrogate without its pair (a hostile encoded-word can make one): both fail in jsonb.
  // Most values have neither (one test instead of two replacements, for the ~30 fields and steps of a record).
  const clean = MAYBE_UNSAFE.test(value)
    ? value
        .replaceAll("\0", "\uFFFD")
        .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
    : value;
  if (clean.length <= max) return clean;
  // Cut between characters, not inside a surrogate pair (its lone half would fail the whole batch in jsonb).
  const cut = /[\uD800-\uDBFF]/.test(clean.charAt(max - 2)) ? max - 2 : max - 1;
  return `${clean.slice(0, cut)}…`;
}

const address = (a: string) => (cleanText(a.trim().toLowerCase(), 320) as string).replace(/^<|>$/g, "");

/** A record as the row the statement reads from JSON (names are the columns). */
function toRow(r: TraceRecord) {
  const recipients = [...new Set(r.recipients.map((x) => address(x.address)).filter(Boolean))];
  const int = (n: number | null | undefined) =>
    n === null || n === undefined || !Number.isSafeInteger(n) ? null : Math.min(Math.max(n, -2147483648), 2147483647);
  return {
    kind: r.kind,
    result: r.result,
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt.toISOString(),
    sessionId: cleanText(r.sessionId, 200) ?? "",
    clientAddress: cleanText(r.clientAddress, 64),
    clientName: cleanText(r.clientName, 255),
    helo: cleanText(r.helo, 255),
    tlsVersion: cleanText(r.tlsVersion, 32),
    tlsCipher: cleanText(r.tlsCipher, 128),
    authUser: cleanText(r.authUser, 320),
    mailFrom: r.mailFrom === null || r.mailFrom === undefined ? null : address(r.mailFrom),
    recipients,
    size: int(r.size),
    replyCode: int(r.reply?.code),
    replyText: cleanText(r.reply?.text),
    spf: cleanText(r.auth?.spf, 32),
    dkim: cleanText(r.auth?.dkim, 32),
    dmarc: cleanText(r.auth?.dmarc, 32),
    arc: cleanText(r.auth?.arc, 32),
    messageIdHeader: cleanText(r.messageIdHeader, 998),
    subject: cleanText(r.subject, TRACE_MAX_SUBJECT),
    messageIds: (r.messageIds ?? []).filter(Number.isSafeInteger),
    conversationIds: (r.conversationIds ?? []).filter(Number.isSafeInteger),
    outboundMessageId: int(r.outboundMessageId),
    deliveryJobId: int(r.deliveryJobId),
    attempt: int(r.attempt),
    remoteHost: cleanText(r.remoteHost, 255),
    remoteAddress: cleanText(r.remoteAddress, 64),
    nextAttemptAt: r.nextAttemptAt ? r.nextAttemptAt.toISOString() : null,
    dsnMessageId: cleanText(r.dsnMessageId, 998),
    // Absent parts are undefined, which JSON leaves out: one shape for every record, no spread objects.
    details: {
      rcpts: r.recipients.map((x) => ({ address: address(x.address), code: x.code, reply: cleanText(x.reply) })),
      steps: (r.steps ?? []).map((s) => ({
        at: s.at,
        command: s.command === undefined ? undefined : cleanText(s.command),
        reply: s.reply === undefined ? undefined : cleanText(s.reply),
      })),
      droppedSteps: r.droppedSteps || undefined,
      notes: r.notes?.length ? r.notes : undefined,
      auth: r.auth
        ? {
            dkimDomains: (r.auth.dkimDomains ?? []).map((d) => cleanText(d, 255)),
            dmarcPolicy: cleanText(r.auth.dmarcPolicy, 32),
            fromDomain: cleanText(r.auth.fromDomain, 255),
          }
        : undefined,
    },
  };
}

/**
 * One record as the JSON the insert reads. The writer serialises each record
 * as it arrives, so that writing a batch only joins strings: a batch of
 * hundreds serialised at once would hold the event loop (and every SMTP
 * reply waiting on it) for milliseconds.
 */
export function serializeTrace(record: TraceRecord): string {
  return JSON.stringify(toRow(record));
}

export async function insertTraces(records: TraceRecord[]): Promise<void> {
  await insertSerializedTraces(records.map(serializeTrace));
}

/** Writes serialised records (serializeTrace) in one statement. */
export async function insertSerializedTraces(serialized: string[]): Promise<void> {
  if (serialized.length === 0) return;
  const rows = `[${serialized.join(",")}]`;
  // A trace may be lost in a crash anyway (the writer's buffer), so its commit does not wait
  // for the WAL to reach the disk: the MX's message commits, which must, do not queue behind it.
  await sqlTransaction(async (tx) => {
    await tx.$queryRaw`select set_config('synchronous_commit', 'off', true)`;
    await insertRows(tx, rows);
  });
}

async function insertRows(tx: RawSql, rows: string): Promise<void> {
  await tx.$queryRaw`
    with input as (
      select * from jsonb_to_recordset(${rows}::jsonb) as x(
        kind "TraceKind", result "TraceResult", "startedAt" timestamptz, "endedAt" timestamptz, "sessionId" text,
        "clientAddress" text, "clientName" text, helo text, "tlsVersion" text, "tlsCipher" text, "authUser" text,
        "mailFrom" text, recipients text[], size int, "replyCode" int, "replyText" text,
        spf text, dkim text, dmarc text, arc text, "messageIdHeader" text, subject text,
        "messageIds" int[], "conversationIds" int[], "outboundMessageId" int, "deliveryJobId" int, attempt int,
        "remoteHost" text, "remoteAddress" text, "nextAttemptAt" timestamptz, "dsnMessageId" text, details jsonb)
    ), traces as (
      insert into "MessageTrace" (kind, result, "startedAt", "endedAt", "sessionId", "clientAddress", "clientName",
        helo, "tlsVersion", "tlsCipher", "authUser", "mailFrom", recipients, size, "replyCode", "replyText",
        spf, dkim, dmarc, arc, "messageIdHeader", subject, "messageIds", "conversationIds", "outboundMessageId",
        "deliveryJobId", attempt, "remoteHost", "remoteAddress", "nextAttemptAt", "dsnMessageId", details)
      select kind, result, "startedAt", "endedAt", "sessionId", "clientAddress", "clientName",
        helo, "tlsVersion", "tlsCipher", "authUser", "mailFrom", recipients, size, "replyCode", "replyText",
        spf, dkim, dmarc, arc, "messageIdHeader", subject, "messageIds", "conversationIds", "outboundMessageId",
        "deliveryJobId", attempt, "remoteHost", "remoteAddress", "nextAttemptAt", "dsnMessageId", details
      from input
      returning id, recipients, "startedAt"
    )
    insert into "MessageTraceRecipient" ("traceId", address, "startedAt")
    select traces.id, r.address, traces."startedAt" from traces, unnest(traces.recipients) as r(address)`;
}
