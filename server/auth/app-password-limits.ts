// Limits of app passwords that the browser checks too (no server code here:
// app/ imports it into the client bundle).
export const MAX_LABEL_LENGTH = 100;
