// The error codes next-auth hands back to the sign-in page (?error=…), shared
// by the credentials provider and the page that words them.
export const THROTTLED = "throttled";

export const SIGN_IN_MESSAGES = {
  // One message for an unknown address and a wrong password: telling them apart would reveal who has an account.
  invalid: "Incorrect email or password.",
  throttled: "Too many failed attempts. Try again in a few minutes.",
  unavailable: "Signing in is not possible right now. Try again shortly.",
} as const;
