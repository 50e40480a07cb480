// RFC 1939 §5 LIST [msg]: one "msg size" line, or a multi-line listing of
// every message not marked deleted. Sizes are RFC 1939 §11's (backend.ts).
import { ok } from "../responses.ts";
import { optionalMessageNumber } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";
import { findMessage } from "./message-lookup.ts";

export const list: Pop3Command<{ message: number | null }> = {
  name: "LIST",
  states: ["TRANSACTION"],
  parse: optionalMessageNumber,
  async run(session, { message: number }) {
    if (number !== null) {
      const message = await findMessage(session, number);
      if (message) await session.send(ok(`${number} ${message.size}`));
      return;
    }
    const drop = session.openMaildrop;
    const { count, octets } = drop.totals();
    await session.sendListing(
      `${count} messages (${octets} octets)`,
      (function* () {
        for (const [n, entry] of drop.entries()) yield `${n} ${entry.size}`;
      })(),
    );
  },
};
