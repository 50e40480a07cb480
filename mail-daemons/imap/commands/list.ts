// RFC 9051 §6.3.9 LIST with LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC
// 5819), SPECIAL-USE (RFC 6154) and CHILDREN (RFC 3348). Attributes:
// \HasChildren/\HasNoChildren always, \Noselect or \NonExistent for levels
// that are not mailboxes, the special use, and \Subscribed when asked.
import type { FolderInfo } from "../backend.ts";
import { listRegExp } from "../list/list-pattern.ts";
import { mailboxTree, type TreeEntry } from "../list/mailbox-tree.ts";
import { type ListArguments, parseListArguments } from "../parser/list-arguments.ts";
import { encodeAstring } from "../response/encode.ts";
import { encodeMailboxName } from "../response/mailbox-name.ts";
import type { Session } from "../session/session.ts";
import { statusResponse } from "../session/status-response.ts";
import { AUTHENTICATED, defineCommand, ok } from "./command.ts";

export const listCommand = defineCommand({
  name: "LIST",
  states: AUTHENTICATED,
  parse: parseListArguments,
  async run({ session }, args) {
    // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root.
    if (args.patterns.length === 1 && args.patterns[0] === "" && !args.extended) {
      await session.writer.untagged('LIST (\\Noselect) "/" ""');
      return ok("LIST completed");
    }
    const folders = await session.backend.listFolders(session.requirePrincipal);
    for (const entry of selectEntries(folders, args)) {
      await session.writer.untagged(listLine(session, entry, args));
      if (args.returns.status && entry.selectable) {
        const line = await statusResponse(session, entry.name, args.returns.status);
        if (line) await session.writer.untagged(line);
      }
    }
    return ok("LIST completed");
  },
});

function selectEntries(folders: FolderInfo[], args: ListArguments): TreeEntry[] {
  const patterns = args.patterns.map((pattern) => listRegExp(args.reference, pattern));
  const matches = (name: string) => patterns.some((pattern) => pattern.test(name));
  return mailboxTree(folders).filter((entry) => {
    if (!matches(entry.name)) return false;
    const { selection } = args;
    if (selection.subscribed) {
      // RFC 5258 §3.5: with RECURSIVEMATCH a parent of a subscribed mailbox is listed with CHILDINFO.
      return entry.subscribed || (selection.recursiveMatch && entry.subscribedDescendant);
    }
    if (selection.specialUse) return entry.specialUse !== null;
    // Without LIST-EXTENDED, levels that are not mailboxes appear only where a "%" stops at them.
    return entry.exists || entry.hasChildren;
  });
}

function listLine(session: Session, entry: TreeEntry, args: ListArguments): string {
  const attributes: string[] = [];
  if (!entry.exists) attributes.push(args.extended ? "\\NonExistent" : "\\Noselect");
  else if (!entry.selectable) attributes.push("\\Noselect");
  attributes.push(entry.hasChildren ? "\\HasChildren" : "\\HasNoChildren");
  if (entry.specialUse) attributes.push(entry.specialUse);
  if (entry.subscribed && (args.returns.subscribed || args.selection.subscribed)) attributes.push("\\Subscribed");
  const name = encodeAstring(encodeMailboxName(entry.name, session.utf8), session).toString("utf8");
  const childInfo =
    args.selection.subscribed && args.selection.recursiveMatch && entry.subscribedDescendant
      ? ' ("CHILDINFO" ("SUBSCRIBED"))'
      : "";
  return `LIST (${attributes.join(" ")}) "/" ${name}${childInfo}`;
}
