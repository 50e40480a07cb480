// Test of a connector's SMTP relay, as Test connection does for IMAP: connect,
// EHLO, STARTTLS (required) or implicit TLS, AUTH, QUIT — no mail sent. The
// answer names what failed in plain words ("Relay: … refused the user name or
// password (535 …)"), never the password.
import { rootCertificates } from "node:tls";
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import type { RelaySettings } from "./connector-admin.ts";
import { CONNECT_TIMEOUT_MS } from "./imap-client.ts";
import { openPassword } from "./password-box.ts";

export async function testRelay(
  relay: RelaySettings,
  options: { caPem?: string | null; heloName?: string } = {},
): Promise<{ ok: boolean; message: string }> {
  const at = `${relay.host}:${relay.port}`;
  const connection = new SMTPConnection({
    host: relay.host,
    port: relay.port,
    secure: relay.tls === "implicit",
    requireTLS: relay.tls === "starttls",
    name: options.heloName ?? "localhost",
    tls: {
      rejectUnauthorized: relay.checkCertificate,
      ...(options.caPem ? { ca: [...rootCertificates, options.caPem] } : {}),
    },
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: CONNECT_TIMEOUT_MS,
    logger: false,
  });
  // A failed connect or TLS handshake comes as an "error" event, not through the callback.
  let failed: ((error: Error) => void) | null = null;
  connection.on("error", (error: Error) => failed?.(error));
  connection.on("end", () =>
    failed?.(Object.assign(new Error("the relay closed the connection"), { code: "ECONNECTION" })),
  );
  const step = (start: (done: (error?: Error | null) => void) => void) =>
    new Promise<void>((resolve, reject) => {
      failed = reject;
      start((error) => (error ? reject(error) : resolve()));
    });
  try {
    await step((done) => connection.connect((e) => done(e)));
    await step((done) =>
      connection.login({ user: relay.username, pass: relay.password ?? "" }, (e) => done(e ?? null)),
    );
    return { ok: true, message: `Relay: ${at} accepted the user name and password` };
  } catch (error) {
    const e = error as Error & { code?: string; response?: string };
    const said = e.response ? ` (${e.response.replace(/\s+/g, " ").trim()})` : "";
    if (e.code === "EAUTH") return { ok: false, message: `Relay: ${at} refused the user name or password${said}` };
    if (e.code === "ETLS" || /certificate|SSL|TLS/i.test(e.message)) {
      return { ok: false, message: `Relay: TLS with ${at} failed: ${e.message}` };
    }
    if (
      /^E(CONNECTION|CONNREFUSED|TIMEDOUT|DNS|NOTFOUND|HOSTUNREACH|NETUNREACH)$/.test(e.code ?? "") ||
      /ECONNREFUSED|ENOTFOUND/.test(e.message)
    ) {
      return { ok: false, message: `Relay: ${at} could not be reached: ${e.message}` };
    }
    return { ok: false, message: `Relay: ${at}: ${e.response ?? e.message}` };
  } finally {
    try {
      connection.quit();
    } catch {}
    connection.close();
  }
}

/** The stored connector's relay tested with its sealed password; null when it has no relay. */
export async function testStoredRelay(id: number, dataDir: string): Promise<{ ok: boolean; message: string } | null> {
  const c = await db().connector.findUnique({ where: { id } });
  if (!c) throw new InputError(`no connector ${id}`, "not_found");
  if (!c.relayHost || !c.relayPort || !c.relayTls || !c.relayUsername || !c.relayPasswordBox) return null;
  return testRelay(
    {
      host: c.relayHost,
      port: c.relayPort,
      tls: c.relayTls,
      username: c.relayUsername,
      checkCertificate: c.relayCheckCertificate,
      password: openPassword(dataDir, c.relayPasswordBox),
    },
    { caPem: c.caPem },
  );
}
