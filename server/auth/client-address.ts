// The client address used to throttle sign-in attempts per address.
//
// Next.js fills X-Forwarded-For with the socket address when the request has
// none, and keeps the header when the client sent one. We take the last entry:
// behind one reverse proxy that appends (nginx's $proxy_add_x_forwarded_for)
// it is the address the proxy saw. Without a proxy a client can still choose
// its own value, which only weakens the per-address limit; the per-account
// limit in throttle.ts does not depend on it.
type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? null);
}

export function clientAddress(headers: HeaderSource): string | null {
  const forwarded = header(headers, "x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  if (!last) return null;
  // IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d.
  return last.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 64);
}
