// next-auth for the web sign-in: email and password checked by
// verifyCredentials (argon2id, equal answers for unknown user and wrong
// password, throttling in PostgreSQL), sessions as encrypted JWT cookies
// that carry the user's session version, so that they can be ended
// (server/users/end-sessions.ts, checked in session-user.ts).
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { signOutSession } from "../users/end-sessions.ts";
import { recordSignIn } from "../users/user-sessions.ts";
import { clientAddress } from "./client-address.ts";
import { sessionClaims } from "./session-user.ts";
import { THROTTLED } from "./sign-in-errors.ts";
import { verifyCredentials } from "./verify-credentials.ts";

const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/**
 * The options for one request: over HTTPS (secure-request.ts) the cookies are
 * Secure and carry the __Secure-/__Host- prefixes.
 */
export function authOptions(secure: boolean): AuthOptions {
  return {
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    useSecureCookies: secure,
    // Failures come back to the sign-in page as ?error=CredentialsSignin or ?error=throttled.
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const remoteAddress = clientAddress(req.headers ?? {});
          const result = await verifyCredentials({
            email: credentials.email,
            password: credentials.password,
            remoteAddress,
          });
          if (result.ok) {
            // A row per sign-in, so that an admin can see this session and end it alone.
            const userAgent = req.headers?.["user-agent"];
            const sessionId = await recordSignIn({
              userId: result.user.id,
              sessionVersion: result.user.sessionVersion,
              ip: remoteAddress,
              userAgent: typeof userAgent === "string" ? userAgent : null,
              maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
            });
            return { id: String(result.user.id), sessionVersion: result.user.sessionVersion, sessionId };
          }
          // next-auth turns a thrown error into ?error=<message>; null into CredentialsSignin.
          if (result.reason === "throttled") throw new Error(THROTTLED);
          return null;
        },
      }),
    ],
    callbacks: {
      // The token carries the user id, session version and session row and nothing else:
      // name, email and role are read from the database on each request, so
      // changes apply at once.
      jwt({ token, user }) {
        if (user) {
          const signedIn = user as { sessionVersion?: number; sessionId?: string };
          return { sub: user.id, sv: signedIn.sessionVersion ?? 0, sid: signedIn.sessionId };
        }
        return { sub: token.sub, sv: token.sv, sid: token.sid };
      },
      session({ session }) {
        return { expires: session.expires };
      },
    },
    events: {
      // Signing out ends the session for good, not just the cookie in this browser.
      async signOut({ token }) {
        const claims = sessionClaims(token);
        if (claims) {
          await signOutSession({ userId: claims.id, sessionVersion: claims.version, sessionId: claims.sessionId });
        }
      },
    },
  };
}
