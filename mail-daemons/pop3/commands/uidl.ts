// RFC 1939 §7 UIDL [msg]: the unique-id listing. The ids come from the
// backend, stable across sessions (derived from UIDVALIDITY and UID), so a
// client that "leaves mail on the server" recognises what it already has.
import { ok } from "../responses.ts";
import { optionalMessageNumber } from "./arguments.ts";
import type { Pop3Command } from "./command.ts";
import { findMessage } from "./message-lookup.ts";

export const uidl: Pop3Command<{ message: number | null }> = {
  name: "UIDL",
  states: ["TRANSACTION"],
  parse: optionalMessageNumber,
  async run(session, { message: number }) {
    if (number !== null) {
      const message = await findMessage(session, number);
      if (message) await session.send(ok(`${number} ${message.uidl}`));
      return;
    }
    const drop = session.openMaildrop;
    await session.sendListing(
      "Unique-ID listing follows",
      (function* () {
        for (const [n, entry] of drop.entries()) yield `${n} ${entry.uidl}`;
      })(),
    );
  },
};
