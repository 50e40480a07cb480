// RFC 9051 §9 sequence-set: "1", "2:4", "5:*", "1,3:5,9:*"; "*" is the
// largest number in use. RFC 5182 (SEARCHRES) adds "$", the result of the
// last SEARCH ... RETURN (SAVE), which stands alone.
import { IMAP_MAX_LIST_ITEMS } from "../../../server/limits.ts";
import type { Cursor } from "./cursor.ts";
import { ParseError } from "./parse-error.ts";

/** null stands for "*". */
export type SequenceNumber = number | null;

export interface SequenceRange {
  from: SequenceNumber;
  to: SequenceNumber;
}

export type SequenceSet = { kind: "ranges"; ranges: SequenceRange[] } | { kind: "saved" };

export function parseSequenceSet(cursor: Cursor): SequenceSet {
  if (cursor.tryChar("$")) return { kind: "saved" };
  const ranges: SequenceRange[] = [];
  do {
    if (ranges.length >= IMAP_MAX_LIST_ITEMS) throw new ParseError("Too many ranges in sequence set");
    const from = sequenceNumber(cursor);
    const to = cursor.tryChar(":") ? sequenceNumber(cursor) : from;
    ranges.push({ from, to });
  } while (cursor.tryChar(","));
  return { kind: "ranges", ranges };
}

function sequenceNumber(cursor: Cursor): SequenceNumber {
  if (cursor.tryChar("*")) return null;
  return cursor.nzNumber();
}

/**
 * The members of a set among `available` (ascending), with "*" as `largest`.
 * RFC 9051 §6.4.8: "n:*" always includes the largest even when n is above it,
 * and a range may be written high to low.
 */
export function resolveRanges(ranges: SequenceRange[], largest: number): Array<[number, number]> {
  const resolved: Array<[number, number]> = [];
  for (const range of ranges) {
    const a = range.from ?? largest;
    const b = range.to ?? largest;
    resolved.push(a <= b ? [a, b] : [b, a]);
  }
  resolved.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const range of resolved) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

/** The members of `sorted` (ascending, unique) that fall in the ranges. */
export function selectFromSorted(sorted: readonly number[], ranges: Array<[number, number]>): number[] {
  const out: number[] = [];
  let i = 0;
  for (const [low, high] of ranges) {
    i = lowerBound(sorted, low, i);
    while (i < sorted.length && (sorted[i] as number) <= high) out.push(sorted[i++] as number);
  }
  return out;
}

export function lowerBound(sorted: readonly number[], value: number, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "1:3,5,7:9" from ascending numbers, as responses write sets (RFC 9051 §9). */
export function formatSequenceSet(sorted: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) end = sorted[++i] as number;
    parts.push(start === end ? String(start) : `${start}:${end}`);
    i += 1;
  }
  return parts.join(",");
}
