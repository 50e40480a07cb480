/** A note is a comment, not a document; long pastes belong in an attachment. */
export const MAX_NOTE_CHARS = 10_000;
/** More than this is a broadcast, which notes are not for. */
export const MAX_NOTE_MENTIONS = 20;
