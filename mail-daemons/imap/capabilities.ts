// The CAPABILITY list (RFC 9051 §7.2.2), which changes with the session:
// before TLS the server offers STARTTLS and says LOGINDISABLED (RFC 9051
// §6.2.3, §11.1) unless plaintext login is allowed from loopback; once
// authenticated it lists the extensions that need a login to matter.
import { IMAP_APPEND_LIMIT_BYTES } from "../../server/limits.ts";
import type { ServerContext } from "./server-context.ts";
import type { Session } from "./session/session.ts";

const ALWAYS = ["IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ENABLE", "ID", "IDLE"];

const AFTER_LOGIN = [
  "NAMESPACE",
  "UIDPLUS",
  "MOVE",
  "UNSELECT",
  "CHILDREN",
  "LIST-EXTENDED",
  "LIST-STATUS",
  "SPECIAL-USE",
  "CONDSTORE",
  "QRESYNC",
  "ESEARCH",
  "SEARCHRES",
  "BINARY",
  "MULTIAPPEND",
  "UTF8=ACCEPT",
  "STATUS=SIZE",
  "QUOTA",
  "QUOTA=RES-STORAGE",
  "QUOTA=RES-MESSAGE",
  `APPENDLIMIT=${IMAP_APPEND_LIMIT_BYTES}`,
];

export function loginAllowed(session: Session, server: ServerContext): boolean {
  return session.info.secure || (session.info.loopback && server.allowPlaintextLoginFromLoopback);
}

export function capabilities(session: Session, server: ServerContext): string[] {
  if (session.state !== "not-authenticated") return [...ALWAYS, ...AFTER_LOGIN];
  const list = [...ALWAYS];
  if (server.tlsAvailable && !session.info.secure) list.push("STARTTLS");
  if (loginAllowed(session, server)) list.push("AUTH=PLAIN", "AUTH=LOGIN");
  else list.push("LOGINDISABLED");
  return list;
}
