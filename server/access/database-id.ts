// Database ids as they arrive from outside: PostgreSQL int4. A larger
// integer names nothing, so it is treated like an id that does not exist —
// NOT_FOUND on the web (server/api/trpc.ts maps the issue below), null from
// the gate — never a 500 from the database. A negative, fractional or
// non-number id is malformed input (BAD_REQUEST).
import { z } from "zod";

export const MAX_DATABASE_ID = 2_147_483_647;

export function isDatabaseId(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= MAX_DATABASE_ID;
}

/** The message of the issue an out-of-range id raises. */
export const UNKNOWN_ID = "no such id";

/** What the caller is told for it: the same as for an id that does not exist. */
export const UNKNOWN_ID_ANSWER = "Not found.";

/** The one zod schema for an id in any procedure's input. */
export const id = z
  .number()
  .int()
  .positive()
  .refine((n) => n <= MAX_DATABASE_ID, { message: UNKNOWN_ID });

/** 0 or an id: the newest message id a composer saw ("none yet" is 0). */
export const idOrZero = z
  .number()
  .int()
  .min(0)
  .refine((n) => n <= MAX_DATABASE_ID, { message: UNKNOWN_ID });
