// RFC 2595 §4 STLS: only in AUTHORIZATION, only once, only with a
// certificate. After "+OK" the TLS handshake starts; anything the client
// pipelined after STLS in plaintext is discarded by the connection, never
// run inside the TLS session (STARTTLS command injection).
import { err, ok } from "../responses.ts";
import { noArguments } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const stls: Pop3Command<undefined> = {
  name: "STLS",
  states: ["AUTHORIZATION"],
  parse: noArguments,
  async run(session) {
    if (!session.mayStartTls) {
      await session.send(err(session.secure ? "Already using TLS" : "TLS is not available"));
      return;
    }
    await session.startTls(ok("Begin TLS negotiation"));
  },
};
