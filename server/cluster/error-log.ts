// Errors a Yubin process logs, kept in PostgreSQL ("ProcessError") so that the
// admin's server status page shows the recent ones of every process. The
// process's log function (`yubin start`'s, cli/commands/start-command.ts)
// hands error-level lines here.
//
// Cheap and safe on a path that is already failing: logError() only appends
// to a bounded in-memory buffer; a timer writes the buffer in one INSERT and
// prunes the table to the newest ERROR_LOG_KEEP rows. A failed write is never
// logged through here (an unreachable database would otherwise feed its own
// errors back in a loop): it goes to stderr and the batch is dropped.
import os from "node:os";
import { sql } from "../db/raw-sql.ts";

export type LogLevel = "info" | "error";
/** A process's log: one line, optionally at error level (those are kept for the status page too). */
export type Log = (line: string, level?: LogLevel) => void;

/** Rows kept in the table, across all processes. */
export const ERROR_LOG_KEEP = 1000;
/** Lines waiting for the next write; more are counted and reported as one line. */
const MAX_PENDING = 100;
const FLUSH_DELAY_MS = 1000;
const MAX_MESSAGE = 2000;
const MAX_SOURCE = 40;

interface Pending {
  at: Date;
  source: string;
  message: string;
}

let pending: Pending[] = [];
let dropped = 0;
let timer: NodeJS.Timeout | null = null;
let writing: Promise<void> = Promise.resolve();

/** "delivery: claim failed: …" → source "delivery" ("snooze waker: …" → "snooze waker"); else the fallback. */
export function splitSource(line: string, fallback: string): { source: string; message: string } {
  const m = /^([\w.[\]-][\w .[\]-]{0,39}):\s+([\s\S]*)$/.exec(line);
  return m ? { source: m[1] as string, message: m[2] as string } : { source: fallback, message: line };
}

/** Queues one error for the table; never throws, never waits. */
export function logError(line: string, fallbackSource = "yubin", at = new Date()): void {
  if (pending.length >= MAX_PENDING) {
    dropped++;
  } else {
    const { source, message } = splitSource(line, fallbackSource);
    pending.push({ at, source: source.slice(0, MAX_SOURCE), message: message.slice(0, MAX_MESSAGE) });
  }
  if (!timer) {
    timer = setTimeout(() => {
      timer = null;
      void flushErrorLog();
    }, FLUSH_DELAY_MS);
    timer.unref();
  }
}

/** Writes what is queued (and waits for a write under way); used by the timer, at shutdown and by tests. */
export function flushErrorLog(): Promise<void> {
  writing = writing.then(write);
  return writing;
}

async function write(): Promise<void> {
  if (pending.length === 0 && dropped === 0) return;
  const batch = pending;
  if (dropped > 0) {
    batch.push({ at: new Date(), source: "yubin", message: `${dropped} more error(s) were logged but not kept` });
  }
  pending = [];
  dropped = 0;
  try {
    await sql.$queryRaw`
      insert into "ProcessError" (at, hostname, pid, source, message)
      select a, ${os.hostname()}, ${process.pid}::int, s, m
      from unnest(${batch.map((p) => p.at)}::timestamptz[], ${batch.map((p) => p.source)}::text[],
        ${batch.map((p) => p.message)}::text[]) as t(a, s, m)`;
    await pruneErrorLog();
  } catch (error) {
    // stderr only: logging this failure here would try the same write again.
    process.stderr.write(`error log: ${batch.length} error(s) not kept: ${(error as Error).message}\n`);
  }
}

/** Keeps the newest ERROR_LOG_KEEP rows. */
export async function pruneErrorLog(keep = ERROR_LOG_KEEP): Promise<void> {
  await sql.$queryRaw`
    delete from "ProcessError"
    where id <= (select id from "ProcessError" order by id desc offset ${keep}::int limit 1)`;
}

export interface ProcessErrorRow {
  id: number;
  at: Date;
  hostname: string;
  pid: number;
  source: string;
  message: string;
}

/** The newest errors of every process. */
export async function recentErrors(limit = 50): Promise<ProcessErrorRow[]> {
  return sql.$queryRaw<ProcessErrorRow[]>`
    select id, at, hostname, pid, source, message from "ProcessError" order by id desc limit ${limit}::int`;
}
