// `imaps://user@host:993` (implicit TLS, RFC 8314) and `imap://user@host:143`
// (STARTTLS, RFC 2595; never plaintext) as the CLI takes them. RFC 5092 IMAP
// URLs percent-encode the user name, so `support%40example.com@imap.gmail.com`
// names the user support@example.com.
import { InputError } from "../errors.ts";

export interface ConnectorEndpoint {
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  username: string;
}

export function parseConnectorUrl(text: string): ConnectorEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`"${text}" is not a URL: write imaps://user@host:993 (or imap://user@host:143 for STARTTLS)`);
  }
  const tls = url.protocol === "imaps:" ? "implicit" : url.protocol === "imap:" ? "starttls" : null;
  if (!tls) throw new InputError(`"${url.protocol}" is not imaps: or imap:`);
  if (url.password) throw new InputError("put the password in a file and name it with --password-file, not in the URL");
  if (!url.username) throw new InputError(`"${text}" names no user: write imaps://user@host:993`);
  if ((url.pathname && url.pathname !== "/") || url.search || url.hash) {
    throw new InputError(`"${text}" has a path or query: name folders with --folders`);
  }
  const { username, host } = userAndHost(url, text);
  const port = url.port ? Number(url.port) : tls === "implicit" ? 993 : 143;
  return { host, port, tls, username };
}

export function connectorUrl(c: ConnectorEndpoint): string {
  return `${c.tls === "implicit" ? "imaps" : "imap"}://${encodeURIComponent(c.username)}@${urlHost(c.host)}:${c.port}`;
}

/** The percent-decoded user name and the host (IPv6 without brackets) of a connector or relay URL. */
export function userAndHost(url: URL, text: string): { username: string; host: string } {
  let username: string;
  try {
    username = decodeURIComponent(url.username);
  } catch {
    throw new InputError(`the user name in "${text}" is not valid percent-encoding`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new InputError(`"${text}" names no host`);
  return { username, host };
}

/** A host as a URL writes it: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
