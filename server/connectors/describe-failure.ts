// A connector's failure in plain words, with the step that failed: DNS, TCP,
// TLS, authentication or folder. What the admin panel, the CLI and the
// connector's status show; never contains the password.
export type FailureStep = "dns" | "tcp" | "tls" | "auth" | "folder" | "mailbox" | "other";

export interface Failure {
  step: FailureStep;
  message: string;
}

export class FolderFailure extends Error {
  constructor(
    readonly folder: string,
    message: string,
  ) {
    super(message);
  }
}

const TLS_CODES =
  /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME|ALTNAME|DEPTH_ZERO/;

export function describeFailure(error: unknown, where: { host: string; port: number }): Failure {
  const e = error as NodeJS.ErrnoException & {
    authenticationFailed?: boolean;
    responseText?: string;
    serverResponseCode?: string;
    reason?: string;
  };
  const at = `${where.host}:${where.port}`;
  const code = String(e?.code ?? "");
  const text = String(e?.message ?? error);
  if (error instanceof FolderFailure) return { step: "folder", message: error.message };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "ENODATA") {
    return { step: "dns", message: `DNS: the host name ${where.host} could not be resolved (${code})` };
  }
  if (code === "ECONNREFUSED") return { step: "tcp", message: `TCP: ${at} refused the connection` };
  if (["EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET", "EPIPE"].includes(code) || /timeout/i.test(code)) {
    return { step: "tcp", message: `TCP: ${at} could not be reached or dropped the connection (${code})` };
  }
  if (TLS_CODES.test(code) || /certificate|TLS|SSL|STARTTLS/i.test(text)) {
    return {
      step: "tls",
      message: `TLS: the secure connection to ${at} failed: ${oneLine(text)}${code ? ` (${code})` : ""}`,
    };
  }
  if (e?.authenticationFailed || e?.serverResponseCode === "AUTHENTICATIONFAILED") {
    const said = e.responseText ? ` (the server said: ${oneLine(e.responseText)})` : "";
    return { step: "auth", message: `Authentication: ${at} refused the user name or password${said}` };
  }
  if (/mailbox .* is full/.test(text)) return { step: "mailbox", message: text };
  return { step: "other", message: `${at}: ${oneLine(text)}${code ? ` (${code})` : ""}` };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}
