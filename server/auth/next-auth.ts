// next-auth for the web sign-in: email and password checked by
// verifyCredentials (argon2id, equal answers for unknown user and wrong
// password, throttling in PostgreSQL), sessions as encrypted JWT cookies.
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { clientAddress } from "./client-address.ts";
import { THROTTLED } from "./sign-in-errors.ts";
import { verifyCredentials } from "./verify-credentials.ts";

const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export const authOptions: AuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
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
        const result = await verifyCredentials({
          email: credentials.email,
          password: credentials.password,
          remoteAddress: clientAddress(req.headers ?? {}),
        });
        if (result.ok) return { id: String(result.user.id) };
        // next-auth turns a thrown error into ?error=<message>; null into CredentialsSignin.
        if (result.reason === "throttled") throw new Error(THROTTLED);
        return null;
      },
    }),
  ],
  callbacks: {
    // The token carries the user id and nothing else: name, email and role
    // are read from the database on each request, so changes apply at once.
    jwt({ token, user }) {
      return { sub: user?.id ?? token.sub };
    },
    session({ session }) {
      return { expires: session.expires };
    },
  },
};
