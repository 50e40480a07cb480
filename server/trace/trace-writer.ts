// Traces are written off the reply path: a finished transaction's record goes
// into this process's buffer (a push, nothing awaited), and the buffer is
// written as one multi-row insert every TRACE_FLUSH_MS, or at once when
// TRACE_BATCH records are waiting. So an SMTP reply never waits for a trace,
// and a crash loses at most the records of the last TRACE_FLUSH_MS or so (and,
// as the insert commits asynchronously, a PostgreSQL crash the last fraction
// of a second of them: README "Message trace"). A database that does not take them holds them
// here, up to TRACE_BUFFER_MAX, with growing pauses between tries.
import type { Log } from "../cluster/error-log.ts";
import { loadEnv } from "../env.ts";
import { TRACE_BATCH, TRACE_BUFFER_MAX, TRACE_FLUSH_MS } from "../limits.ts";
import { insertSerializedTraces, serializeTrace } from "./insert-traces.ts";
import type { TraceRecord, TraceSink } from "./trace-record.ts";

export interface TraceWriterOptions<T> {
  /** What the buffer holds for a record: by default its JSON, made as it arrives (insert-traces.ts). */
  prepare: (record: TraceRecord) => T;
  insert: (batch: T[]) => Promise<void>;
  flushMs?: number;
  batch?: number;
  maxBuffered?: number;
  /** Failures are logged at error level (they reach the status page's recent errors). */
  log?: Log;
}

export interface TraceWriter {
  add: TraceSink;
  /** Writes everything buffered now (tests; shutdown). */
  flush(): Promise<void>;
  /** Flushes and stops the timer; later records are still written by flush(). */
  close(): Promise<void>;
  buffered(): number;
}

const MAX_BACKOFF_MS = 5_000;

const DEFAULT: TraceWriterOptions<string> = { prepare: serializeTrace, insert: insertSerializedTraces };

export function createTraceWriter<T = string>(options: Partial<TraceWriterOptions<T>> = {}): TraceWriter {
  // A test may hold records as they are (prepare and insert of its own); the default holds their JSON.
  const prepare = (options.prepare ?? DEFAULT.prepare) as (record: TraceRecord) => T;
  const insert = (options.insert ?? DEFAULT.insert) as (batch: T[]) => Promise<void>;
  const flushMs = options.flushMs ?? TRACE_FLUSH_MS;
  const batch = options.batch ?? TRACE_BATCH;
  const maxBuffered = options.maxBuffered ?? TRACE_BUFFER_MAX;
  const log: Log = options.log ?? ((line: string) => console.error(line));
  let buffer: T[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  let failures = 0;
  let dropped = 0;
  let closed = false;

  const schedule = (ms: number) => {
    if (timer || writing || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void drain();
    }, ms);
    // A trace must never keep a process alive that is otherwise done.
    timer.unref();
  };

  /**
   * Writes what is buffered when it starts, in batches, and stops there or
   * when the database refuses one; with `all`, until the buffer is empty.
   * Records that come in meanwhile wait for the next flush: writing them at
   * once would turn a steady stream into a transaction per record or two
   * (each write takes a few ms, and a busy MX finishes a record as often).
   */
  async function writeAll(all: boolean): Promise<void> {
    let due = buffer.length;
    while (buffer.length > 0 && (all || due > 0)) {
      const records = buffer.slice(0, all ? batch : Math.min(batch, due));
      try {
        await insert(records);
      } catch (error) {
        failures++;
        if (records.length > 1 && failures >= 3 && (await writeOneByOne(records))) {
          buffer = buffer.slice(records.length);
          due -= records.length;
          failures = 0;
          continue;
        }
        if (failures === 1 || failures % 20 === 0) {
          log(`trace: could not write ${buffer.length} trace(s), will retry: ${(error as Error).message}`, "error");
        }
        return;
      }
      failures = 0;
      buffer = buffer.slice(records.length);
      due -= records.length;
    }
  }

  /**
   * After repeated failures: one row at a time, so that a single row the
   * database refuses cannot hold back every other. True when the database
   * took some (the refused ones are dropped and counted); false when it took
   * none (it is the database, not the rows).
   */
  async function writeOneByOne(records: T[]): Promise<boolean> {
    let written = 0;
    let refused = 0;
    for (const record of records) {
      try {
        await insert([record]);
        written++;
      } catch {
        refused++;
      }
    }
    if (written === 0) return false;
    if (refused > 0) log(`trace: dropped ${refused} trace(s) the database refused`, "error");
    return true;
  }

  function drain(all = false): Promise<void> {
    if (writing) return writing;
    writing = writeAll(all).finally(() => {
      writing = null;
      if (buffer.length === 0) return;
      if (failures > 0) schedule(Math.min(flushMs * 2 ** failures, MAX_BACKOFF_MS));
      else schedule(buffer.length >= batch ? 0 : flushMs);
    });
    return writing;
  }

  return {
    add(record) {
      let prepared: T;
      try {
        prepared = prepare(record);
      } catch (error) {
        log(`trace: could not prepare a trace: ${(error as Error).message}`, "error");
        return;
      }
      buffer.push(prepared);
      if (buffer.length > maxBuffered) {
        const over = buffer.length - maxBuffered;
        buffer = buffer.slice(over);
        dropped += over;
        if (dropped === over || dropped % 1000 < over) {
          log(`trace: buffer full (${maxBuffered}); ${dropped} oldest trace(s) dropped so far`, "error");
        }
      }
      if (buffer.length >= batch && failures === 0 && !writing) {
        if (timer) clearTimeout(timer);
        timer = null;
        setImmediate(() => void drain());
      } else schedule(flushMs);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = null;
      // A write in progress (it may write only part of the buffer), then whatever is left.
      if (writing) await writing;
      while (buffer.length > 0) {
        await drain(true);
        if (failures > 0) break;
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      // Records of connections the listeners just closed are finished a turn or two after their close.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      if (writing) await writing;
      if (buffer.length > 0) await writeAll(true);
    },
    buffered: () => buffer.length,
  };
}

let processWriter: TraceWriter | null = null;

/**
 * This process's trace sink, or undefined when tracing is off
 * (YUBIN_TRACE_RETENTION_DAYS=0). The mail and delivery roles share it.
 */
export function processTraceSink(log?: Log): TraceSink | undefined {
  if (loadEnv().YUBIN_TRACE_RETENTION_DAYS === 0) return undefined;
  processWriter ??= createTraceWriter({ log });
  return processWriter.add;
}

/** Writes what this process still holds; at shutdown, before the database closes. */
export async function flushProcessTraces(): Promise<void> {
  await processWriter?.close();
}
