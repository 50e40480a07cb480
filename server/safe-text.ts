import { z } from "zod";

/**
 * A string input that can be stored: PostgreSQL text cannot hold U+0000, so
 * a NUL typed or pasted into a note, tag, signature or subject is refused as
 * bad input (400) here instead of failing in the database (500). Use it in
 * place of z.string() for every text input of a router; chain .max() etc. as
 * usual.
 */
export const safeText = z.string().refine((text) => !text.includes("\u0000"), {
  message: "text must not contain NUL characters",
});
