// How long presence lasts. A browser reports every PRESENCE_HEARTBEAT_MS
// while it shows a conversation; a row that misses three heartbeats (a
// frozen tab, a web process that died with its streams) expires, and the
// sweeper tells every browser it is gone.
export const PRESENCE_HEARTBEAT_MS = 15_000;
export const PRESENCE_TTL_MS = 45_000;
/** How often each web process with open streams deletes expired rows. */
export const PRESENCE_SWEEP_MS = 5_000;
/**
 * A report that repeats the stream's current conversation and state within
 * this time of its last write changes nothing and is not announced: a tab
 * (or a script) that reports in a loop costs one row lock, not a NOTIFY to
 * every member. Heartbeats (every PRESENCE_HEARTBEAT_MS) are well apart.
 */
export const PRESENCE_REPEAT_MS = 5_000;
