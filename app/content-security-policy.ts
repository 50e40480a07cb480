// The Content-Security-Policy of the app's own pages (proxy.ts sets it on
// every page response with a fresh nonce). Scripts run only with the nonce
// Next.js puts on its own tags ('strict-dynamic' passes that trust to the
// chunks they load); styles come from our stylesheet or carry the nonce;
// style attributes stay allowed (React renders them for layout, e.g. the
// virtual list, and they cannot run script or load anything img-src and
// font-src do not allow). Nothing loads from elsewhere: message HTML is in a
// sandboxed frame of our own origin with a stricter policy of its own
// (app/api/messages/[id]/html/route.ts), and no page may be framed.
export function appContentSecurityPolicy(input: { nonce: string; secure: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${input.nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${input.nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "worker-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(input.secure ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}
