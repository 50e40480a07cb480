// Cross-site request forgery defence for tRPC mutations. tRPC's fetch adapter
// accepts mutations as multipart/form-data and octet-stream as well as JSON,
// and a plain HTML form on another site can POST multipart/form-data with the
// user's cookies (SameSite=Lax does not stop a top-level POST in every
// browser). So a mutation must be a JSON POST whose Origin is this site.

export interface RequestFacts {
  method: string;
  headers: Headers;
}

/** Origins a browser may send for this site: the Host it asked for, and the configured public URL. */
function allowedOrigins(headers: Headers): Set<string> {
  const origins = new Set<string>();
  const host = headers.get("host");
  if (host) {
    origins.add(`http://${host}`);
    origins.add(`https://${host}`);
  }
  if (process.env.NEXTAUTH_URL) {
    try {
      origins.add(new URL(process.env.NEXTAUTH_URL).origin);
    } catch {
      // A malformed NEXTAUTH_URL adds nothing.
    }
  }
  return origins;
}

/** Why this request may not run a mutation, or null when it may. */
export function mutationRefusal(request: RequestFacts): string | null {
  if (request.method !== "POST") return "mutations must be POST requests";
  const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") return "mutations must be JSON (Content-Type: application/json)";
  const origin = request.headers.get("origin");
  if (!origin) return "mutations need an Origin header";
  if (!allowedOrigins(request.headers).has(origin)) return "cross-site request refused";
  return null;
}

/**
 * The same origin rule for an upload route that takes a raw body (a file)
 * rather than JSON: a POST whose Origin is this site, or a refusal.
 */
export function uploadRefusal(request: RequestFacts): string | null {
  if (request.method !== "POST") return "uploads must be POST requests";
  const origin = request.headers.get("origin");
  if (!origin) return "mutations need an Origin header";
  if (!allowedOrigins(request.headers).has(origin)) return "cross-site request refused";
  return null;
}
