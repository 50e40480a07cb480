// Whether the browser reached Yubin over HTTPS, which decides the session
// cookies' Secure flag and names (__Secure-, __Host-). The web role
// (cli/roles/web-role.ts) sets X-Forwarded-Proto on every request from what
// it may trust — YUBIN_PUBLIC_URL's scheme, or a trusted proxy's header, else
// "http" — so a client never chooses it.
type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export function isSecureRequest(headers: HeaderSource): boolean {
  const value = headers instanceof Headers ? headers.get("x-forwarded-proto") : headers["x-forwarded-proto"];
  return (Array.isArray(value) ? value.join(",") : (value ?? "")).trim().toLowerCase() === "https";
}

/** The scheme the web role decides for a request: "https" or "http". */
export function requestScheme(input: {
  publicUrl: string | undefined;
  trustProxy: boolean;
  forwardedProto: string | string[] | undefined;
}): "https" | "http" {
  if (input.publicUrl) return input.publicUrl.startsWith("https://") ? "https" : "http";
  if (!input.trustProxy) return "http";
  // A proxy that appends puts what it saw last, as with X-Forwarded-For (client-address.ts).
  const forwarded = (
    Array.isArray(input.forwardedProto) ? input.forwardedProto.join(",") : (input.forwardedProto ?? "")
  )
    .split(",")
    .at(-1)
    ?.trim()
    .toLowerCase();
  return forwarded === "https" ? "https" : "http";
}
