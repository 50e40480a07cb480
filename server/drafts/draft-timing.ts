// How often the composer may save a draft while its writer types: at most one
// request per this many milliseconds (the browser imports it; the server's
// drafts.ts is the store).
export const DRAFT_SAVE_INTERVAL_MS = 2_000;
/** The composer waits this long after a keystroke before it saves (never longer than the interval allows). */
export const DRAFT_SAVE_DELAY_MS = 300;
