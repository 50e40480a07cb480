// RFC 5034 AUTH mechanism [initial-response], with SASL PLAIN (RFC 4616)
// the only mechanism: over TLS or loopback there is nothing a challenge-
// response mechanism would add, and passwords are stored as argon2 hashes.
import { logIn, PLAINTEXT_REFUSED } from "../log-in.ts";
import { err } from "../responses.ts";
import { decodeBase64, parsePlainResponse } from "../sasl-plain.ts";
import type { Pop3Session } from "../session.ts";
import { words } from "./arguments.ts";
import type { ArgumentsResult, Pop3Command } from "./command.ts";

interface AuthArguments {
  mechanism: string | null;
  initialResponse: string | null;
}

function parseAuth(text: string | null): ArgumentsResult<AuthArguments> {
  const parts = words(text);
  if (parts.length > 2) return { ok: false, message: "Expected a mechanism and at most one initial response" };
  return { ok: true, args: { mechanism: parts[0]?.toUpperCase() ?? null, initialResponse: parts[1] ?? null } };
}

export const auth: Pop3Command<AuthArguments> = {
  name: "AUTH",
  states: ["AUTHORIZATION"],
  parse: parseAuth,
  async run(session, { mechanism, initialResponse }) {
    if (!session.mayLogIn) {
      await session.send(PLAINTEXT_REFUSED);
      return;
    }
    if (mechanism === null) {
      // RFC 1734 (obsoleted by RFC 5034, which reports mechanisms in CAPA) listed them for a bare
      // AUTH; some clients still probe that way, and answering costs nothing.
      await session.sendListing("Supported mechanisms follow", ["PLAIN"]);
      return;
    }
    if (mechanism !== "PLAIN") {
      await session.send(err("Unsupported authentication mechanism"));
      return;
    }
    if (initialResponse !== null) {
      // RFC 5034 §4: "=" is an initial response that is present but empty.
      await finishPlain(session, initialResponse === "=" ? "" : initialResponse);
      return;
    }
    // RFC 5034 §4: an empty challenge is "+" and one space; the client's next line is its response.
    session.continuation = async (input) => {
      if (input.kind === "too-long") {
        await session.send(err("Authentication response too long"));
        return;
      }
      const text = input.bytes.toString("latin1");
      // RFC 5034 §4: a line of "*" cancels the exchange, and the server must answer -ERR.
      if (text === "*") {
        await session.send(err("Authentication cancelled"));
        return;
      }
      await finishPlain(session, text);
    };
    await session.send("+ \r\n");
  },
};

async function finishPlain(session: Pop3Session, base64: string): Promise<void> {
  const decoded = decodeBase64(base64);
  if (decoded === null) {
    await session.send(err("Invalid base64 in the authentication response"));
    return;
  }
  const credentials = parsePlainResponse(decoded);
  if (!credentials) {
    await session.send(err("Authentication failed", "AUTH"));
    return;
  }
  await logIn(session, credentials.username, credentials.password);
}
