// The client address used to throttle sign-in attempts per address.
//
// The web role (cli/roles/web-role.ts) replaces X-Forwarded-For with the
// socket address, unless YUBIN_TRUST_PROXY says a reverse proxy sets it. We
// take the last entry: behind one proxy that appends (nginx's
// $proxy_add_x_forwarded_for) it is the address the proxy saw.
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
