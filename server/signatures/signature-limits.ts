/** A sign-off, not a letterhead; also the composer's field limit (no database import, so the browser can use it). */
export const MAX_SIGNATURE_CHARS = 2_000;
