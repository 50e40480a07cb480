// YUBIN_SMARTHOST: relay everything through one host, for networks where
// port 25 is blocked. smtp://user:pass@host:587 uses STARTTLS (required),
// smtps://…:465 implicit TLS; "?verify=no" accepts a self-signed certificate.
export interface Smarthost {
  host: string;
  port: number;
  implicitTls: boolean;
  verify: boolean;
  user?: string;
  pass?: string;
  /** A CA (PEM) trusted beside the system's roots. */
  ca?: string;
}

export function parseSmarthost(value: string): Smarthost {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`YUBIN_SMARTHOST is not a URL: ${value}`);
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error("YUBIN_SMARTHOST must start with smtp:// or smtps://");
  }
  const implicitTls = url.protocol === "smtps:";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    implicitTls,
    verify: url.searchParams.get("verify") !== "no",
    user: url.username ? decodeURIComponent(url.username) : undefined,
    pass: url.password ? decodeURIComponent(url.password) : undefined,
  };
}
