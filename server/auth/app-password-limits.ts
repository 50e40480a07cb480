// Limits of app passwords that the browser checks too (no server code here:
// app/ imports it into the client bundle).
export const MAX_LABEL_LENGTH = 100;
/** Active (not revoked) app passwords per user: each costs an argon2 hash to create and a row to look up. */
export const MAX_ACTIVE_APP_PASSWORDS = 50;
