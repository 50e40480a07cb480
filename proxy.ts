// Next.js proxy (formerly middleware): a fresh nonce and the app's
// Content-Security-Policy (app/content-security-policy.ts) for every page.
// Next.js reads the policy from the request headers to put the nonce on its
// own script and style tags, so every page renders dynamically. API routes
// are left out: the message routes set stricter policies of their own, and
// the proxy would otherwise buffer upload bodies.
import { type NextRequest, NextResponse } from "next/server";
import { appContentSecurityPolicy } from "./app/content-security-policy.ts";
import { isSecureRequest } from "./server/auth/secure-request.ts";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const policy = appContentSecurityPolicy({ nonce, secure: isSecureRequest(request.headers) });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
