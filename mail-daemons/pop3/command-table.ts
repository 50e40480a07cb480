// Every command the server knows (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS,
// RFC 5034 AUTH), by keyword. APOP (RFC 1939 §7) is deliberately absent: it
// needs the plaintext password on the server, and Yubin stores only hashes.
import { auth } from "./commands/auth.ts";
import { capa } from "./commands/capa.ts";
import type { Pop3Command } from "./commands/command.ts";
import { dele } from "./commands/dele.ts";
import { list } from "./commands/list.ts";
import { noop } from "./commands/noop.ts";
import { pass } from "./commands/pass.ts";
import { quit } from "./commands/quit.ts";
import { retr } from "./commands/retr.ts";
import { rset } from "./commands/rset.ts";
import { stat } from "./commands/stat.ts";
import { stls } from "./commands/stls.ts";
import { top } from "./commands/top.ts";
import { uidl } from "./commands/uidl.ts";
import { user } from "./commands/user.ts";

// biome-ignore lint/suspicious/noExplicitAny: each entry keeps its own argument type; bind() pairs them again.
export type CommandTable = ReadonlyMap<string, Pop3Command<any>>;

export const COMMANDS: CommandTable = new Map(
  [user, pass, auth, stls, capa, stat, list, retr, dele, noop, rset, quit, top, uidl].map((command) => [
    command.name,
    command,
  ]),
);
