// RFC 1939 §3: a session moves from AUTHORIZATION (greeting, login) to
// TRANSACTION (the maildrop is locked) and, on QUIT from TRANSACTION, to
// UPDATE, where deletions are committed and the connection closes. No
// command is valid in UPDATE.
export type SessionState = "AUTHORIZATION" | "TRANSACTION" | "UPDATE";
