// smtp-server normalises RCPT TO before our hook sees it: it silently strips a
// source route ("<@relay:user@host>" becomes "user@host", as RFC 5321 §4.1.1.3
// permits) and answers 501 itself for "a@b@c" or '"a@b"@c'. address-policy.ts
// wants to see those forms to refuse them as relay attempts (554 5.7.1), so the
// raw path is recorded here and an address smtp-server could not parse still
// reaches onRcptTo, where the policy decides. Wraps the internal
// SMTPConnection#_parseAddressCommand; tests/protocol/smtp-mx.test.ts pins it.
import type { SMTPServerAddress } from "smtp-server";

type Parse = (name: string, command: Buffer | string) => SMTPServerAddress | false;

const RCPT_PATH = /^\s*RCPT TO:\s*<([^<>]*)>(?:\s|$)/i;
const rawPaths = new WeakMap<SMTPServerAddress, string>();

/** The forward-path as the client wrote it, for an address parsed on a patched connection. */
export function rawForwardPath(address: SMTPServerAddress): string | undefined {
  return rawPaths.get(address);
}

/** Applied to every SMTPConnection of a server as it is created. */
export function keepRawForwardPath(connection: { _parseAddressCommand: Parse }): void {
  const parse = connection._parseAddressCommand.bind(connection);
  connection._parseAddressCommand = (name, command) => {
    const parsed = parse(name, command);
    const raw = name.toLowerCase() === "rcpt to" ? RCPT_PATH.exec(command.toString())?.[1] : undefined;
    if (raw === undefined || raw === "") return parsed;
    const address: SMTPServerAddress = parsed || { address: raw, args: false };
    rawPaths.set(address, raw);
    return address;
  };
}
