// The SMTP relay a connector's mailbox sends through (the smarthost, per
// mailbox): `smtp://user@host:587` is submission with STARTTLS (RFC 3207,
// required: the password never crosses in plain text), `smtps://user@host:465`
// implicit TLS (RFC 8314). As in connector-url.ts the user name is
// percent-encoded (`support%40example.com@smtp.gmail.com`) and the password
// never rides in the URL. `?verify=no` accepts a certificate that cannot be
// checked, as YUBIN_SMARTHOST does.
import { InputError } from "../errors.ts";
import { urlHost, userAndHost } from "./connector-url.ts";

export interface RelayEndpoint {
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  username: string;
  checkCertificate: boolean;
}

export function parseRelayUrl(text: string): RelayEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(
      `"${text}" is not a relay URL: write smtp://user@host:587 (STARTTLS) or smtps://user@host:465`,
    );
  }
  const tls = url.protocol === "smtps:" ? "implicit" : url.protocol === "smtp:" ? "starttls" : null;
  if (!tls) throw new InputError(`"${url.protocol}" is not smtp: or smtps:`);
  if (url.password) throw new InputError("put the relay password in a file and name it with --relay-password-file");
  if (!url.username) throw new InputError(`"${text}" names no user: write smtp://user@host:587`);
  const query = [...url.searchParams.keys()];
  if ((url.pathname && url.pathname !== "/") || url.hash || query.some((k) => k !== "verify")) {
    throw new InputError(`"${text}" has a path or query other than ?verify=no`);
  }
  const { username, host } = userAndHost(url, text);
  const port = url.port ? Number(url.port) : tls === "implicit" ? 465 : 587;
  return { host, port, tls, username, checkCertificate: url.searchParams.get("verify") !== "no" };
}

export function relayUrl(r: RelayEndpoint): string {
  const scheme = r.tls === "implicit" ? "smtps" : "smtp";
  return `${scheme}://${encodeURIComponent(r.username)}@${urlHost(r.host)}:${r.port}${r.checkCertificate ? "" : "?verify=no"}`;
}
