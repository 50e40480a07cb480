// RFC 9051 §6.2.1 STARTTLS: only before login and only on a plaintext
// listener. The TLS negotiation starts after the tagged OK; anything the
// client pipelined after STARTTLS is discarded (RFC 9051 §11.1, the
// STARTTLS command-injection defence), which the connection does.
import { bad, defineCommand, NOT_AUTHENTICATED, noArguments, ok } from "./command.ts";

export const starttlsCommand = defineCommand({
  name: "STARTTLS",
  states: NOT_AUTHENTICATED,
  parse: noArguments,
  async run({ session, server }) {
    if (!server.tlsAvailable || session.info.secure) return bad("TLS is already active");
    return ok("Begin TLS negotiation now");
  },
});
