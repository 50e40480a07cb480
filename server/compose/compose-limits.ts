// How much a message written in the browser may carry. Pure, so the composer
// checks it before uploading and the server enforces the same number.
import { MAX_MESSAGE_BYTES } from "../limits.ts";

/**
 * Attachment bytes of one composed message: base64 turns 57 bytes into a
 * 78-byte line, and 1 MiB is left for the text and headers, so the built
 * message stays within MAX_MESSAGE_BYTES (what our MX and most others accept).
 */
export const MAX_COMPOSE_ATTACHMENT_BYTES = Math.floor((MAX_MESSAGE_BYTES - 1024 * 1024) / 78) * 57;

/** Characters of text the member may write (the quoted history included). */
export const MAX_COMPOSE_TEXT_CHARS = 1_000_000;
