import { z } from "zod";
import { InputError } from "../errors.ts";
import { parseSize } from "../mailboxes/quota-size.ts";

/** A quota as people type it ("500MB", "2 GB", "unlimited"; empty = unlimited), parsed to bytes or null. */
export const quotaInput = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    if (text.trim() === "") return null;
    try {
      return parseSize(text);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      ctx.addIssue({ code: "custom", message: e.message });
      return z.NEVER;
    }
  });
