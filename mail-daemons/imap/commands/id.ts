// RFC 2971 ID: the client names itself (logged); we answer with our name.
// Valid in any state, and its arguments are a list of string pairs or NIL.
import { IMAP_MAX_ID_PAIRS } from "../../../server/limits.ts";
import { ParseError } from "../parser/parse-error.ts";
import { encodeValue } from "../response/encode.ts";
import { ANY_STATE, defineCommand, ok } from "./command.ts";

export const idCommand = defineCommand({
  name: "ID",
  states: ANY_STATE,
  parse(cursor) {
    cursor.sp();
    if (cursor.tryWord("NIL")) return [];
    const items = cursor.list(() => cursor.nstring());
    if (items.length % 2 !== 0 || items.length > IMAP_MAX_ID_PAIRS * 2)
      throw new ParseError("ID takes field-value pairs");
    const pairs: Array<[string, string | null]> = [];
    for (let i = 0; i < items.length; i += 2) {
      const field = items[i];
      if (!field || field.length > 30) throw new ParseError("Bad ID field");
      pairs.push([field.toString("utf8"), items[i + 1]?.toString("utf8").slice(0, 1024) ?? null]);
    }
    return pairs;
  },
  async run({ session }, pairs) {
    if (pairs.length > 0) session.log(`imap: client id ${pairs.map(([k, v]) => `${k}=${v ?? "NIL"}`).join(", ")}`);
    const answer = encodeValue(["name", "Yubin", "vendor", "Yubin"], { utf8: false }).toString("latin1");
    await session.writer.untagged(`ID ${answer}`);
    return ok("ID completed");
  },
});
