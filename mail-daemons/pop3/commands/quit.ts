// RFC 1939 §4 and §6 QUIT. From AUTHORIZATION it just closes. From
// TRANSACTION it enters UPDATE: the marked messages go to the backend in one
// call (one transaction; the backend's policy decides between expunge and
// hiding them from this login), then the lock is released and the
// connection closes. If the commit fails, nothing was deleted and the client
// hears "-ERR some deleted messages not removed", as RFC 1939 §6 words it.
import { err, ok } from "../responses.ts";
import { noArguments } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const quit: Pop3Command<undefined> = {
  name: "QUIT",
  states: ["AUTHORIZATION", "TRANSACTION"],
  parse: noArguments,
  async run(session) {
    const drop = session.maildrop;
    if (!drop) {
      await session.send(ok(`${session.hostname} POP3 server signing off`));
      session.end();
      return;
    }
    session.state = "UPDATE";
    let reply: string;
    try {
      const deleted = await drop.commit();
      reply = ok(`${session.hostname} POP3 server signing off (${deleted} messages deleted)`);
    } catch (error) {
      session.log(`pop3: committing deletions for ${session.principal?.login} failed: ${String(error)}`, "error");
      reply = err("Some deleted messages not removed", "SYS/TEMP");
    }
    await drop
      .release()
      .catch((error: unknown) => session.log(`pop3: releasing the maildrop lock failed: ${String(error)}`));
    await session.send(reply).catch(() => {});
    session.end();
  },
};
