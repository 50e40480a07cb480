// How a protocol login's mailboxes become one folder tree (DESIGN.md
// "Protocol logins", RFC 2342): the login's own mailbox at the root — the
// user's personal mailbox, or the one mailbox of a mailbox-scoped app
// password — and every other mailbox the user works in under
// "Shared/<address>/". Pure: the callers fetch the mailboxes.
import type { LoginMailbox } from "../access/gate.ts";

export const SHARED_ROOT = "Shared";
export const SHARED_PREFIX = `${SHARED_ROOT}/`;
export const DELIMITER = "/";

export interface FolderTree {
  root: LoginMailbox | null;
  shared: LoginMailbox[];
}

export function folderTree(mailboxes: LoginMailbox[], scoped: boolean): FolderTree {
  const root = scoped ? (mailboxes[0] ?? null) : (mailboxes.find((m) => m.own) ?? null);
  return { root, shared: mailboxes.filter((m) => m !== root) };
}

/** Where a full name points: a folder path in a mailbox, or a level above folders. */
export type ResolvedName =
  | { kind: "folder"; mailbox: LoginMailbox; path: string; prefix: string }
  | { kind: "shared-root" }
  | { kind: "shared-mailbox"; mailbox: LoginMailbox }
  | null;

/** RFC 9051 §5.1: INBOX is case-insensitive, also as the first level of a hierarchy. */
function canonicalPath(path: string): string {
  return path.replace(/^inbox(?=$|\/)/i, "INBOX");
}

export function resolveFolderName(tree: FolderTree, name: string): ResolvedName {
  if (name === SHARED_ROOT) return tree.shared.length > 0 ? { kind: "shared-root" } : null;
  if (!name.startsWith(SHARED_PREFIX)) {
    return tree.root ? { kind: "folder", mailbox: tree.root, path: canonicalPath(name), prefix: "" } : null;
  }
  const rest = name.slice(SHARED_PREFIX.length);
  const slash = rest.indexOf(DELIMITER);
  const address = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  // A mailbox the user does not belong to answers exactly like one that does not exist.
  const mailbox = tree.shared.find((m) => m.address === address);
  if (!mailbox) return null;
  if (slash < 0 || slash === rest.length - 1) return { kind: "shared-mailbox", mailbox };
  return { kind: "folder", mailbox, path: canonicalPath(rest.slice(slash + 1)), prefix: sharedPrefix(mailbox) };
}

export function sharedPrefix(mailbox: LoginMailbox): string {
  return `${SHARED_PREFIX}${mailbox.address}${DELIMITER}`;
}

export function prefixOf(tree: FolderTree, mailbox: LoginMailbox): string {
  return mailbox === tree.root ? "" : sharedPrefix(mailbox);
}
