// RFC 1939 §5 DELE msg: only marks the message. Nothing leaves the store
// until QUIT enters UPDATE (quit.ts); a dropped connection deletes nothing.
import { err, ok } from "../responses.ts";
import { oneMessageNumber } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";

export const dele: Pop3Command<{ message: number }> = {
  name: "DELE",
  states: ["TRANSACTION"],
  parse: oneMessageNumber,
  async run(session, { message: number }) {
    const drop = session.openMaildrop;
    if (!drop.lookup(number)) {
      // RFC 1939 §5: "-ERR message 2 already deleted" for a marked one, as in its example.
      const marked = number <= drop.size && number >= 1;
      await session.send(err(marked ? `Message ${number} already deleted` : "No such message"));
      return;
    }
    drop.markDeleted(number);
    await session.send(ok(`Message ${number} deleted`));
  },
};
