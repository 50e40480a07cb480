// RFC 5161 ENABLE: turns on CONDSTORE, QRESYNC (which implies CONDSTORE,
// RFC 7162 §3.2.3), IMAP4rev2 (RFC 9051 §6.3.1) and UTF8=ACCEPT (RFC 6855
// §3). "* ENABLED" lists what this command newly enabled; unknown names are
// ignored, as §3.1 requires.
import type { Enabled } from "../session/session.ts";
import { AUTHENTICATED, defineCommand, ok } from "./command.ts";

const KNOWN = new Map<string, Enabled>([
  ["CONDSTORE", "CONDSTORE"],
  ["QRESYNC", "QRESYNC"],
  ["IMAP4REV2", "IMAP4REV2"],
  ["UTF8=ACCEPT", "UTF8=ACCEPT"],
]);

export const enableCommand = defineCommand({
  name: "ENABLE",
  states: AUTHENTICATED,
  parse(cursor) {
    const names: string[] = [];
    do {
      cursor.sp();
      names.push(cursor.atom());
    } while (cursor.peek() === 0x20);
    return names;
  },
  async run({ session }, names) {
    const newly: string[] = [];
    for (const name of names) {
      const known = KNOWN.get(name.toUpperCase());
      if (!known || session.enabled.has(known)) continue;
      session.enabled.add(known);
      newly.push(name.toUpperCase() === "IMAP4REV2" ? "IMAP4rev2" : name.toUpperCase());
      if (known === "CONDSTORE" || known === "QRESYNC") session.condstore = true;
    }
    await session.writer.untagged(`ENABLED${newly.map((name) => ` ${name}`).join("")}`);
    return ok("ENABLE completed");
  },
});
