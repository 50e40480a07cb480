// Signs in over HTTP as the sign-in form does (next-auth's credentials route with
// its CSRF token) and returns the session cookie, for tests and benchmarks that
// call the web app with fetch.

/** The `next-auth.session-token=…` cookie of a fresh session for `email`. */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: csrf.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; "),
    },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const cookie = signIn.headers
    .getSetCookie()
    .find((c) => c.startsWith("next-auth.session-token="))
    ?.split(";")[0];
  if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);
  return cookie;
}
