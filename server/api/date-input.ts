import { z } from "zod";

/**
 * A date-time from a filter. Over HTTP (no transformer) dates arrive as ISO
 * strings. Years outside 1970–9999 are refused here: JavaScript accepts dates
 * PostgreSQL cannot store (year -271821), which would fail in the database.
 */
export const dateInput = z.coerce
  .date({ error: "not a valid date" })
  .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, "the year must be from 1970 to 9999");
