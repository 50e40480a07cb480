// The folders a principal sees as a hierarchy: every level of every name
// (RFC 9051 §6.3.9: a parent that is not a mailbox is listed with
// \Noselect, or \NonExistent under LIST-EXTENDED, RFC 5258 §3.4), with
// whether it has children (RFC 3348 CHILDREN).
import type { FolderInfo, SpecialUse } from "../backend.ts";

export interface TreeEntry {
  name: string;
  exists: boolean;
  selectable: boolean;
  subscribed: boolean;
  specialUse: SpecialUse | null;
  hasChildren: boolean;
  /** Some descendant is subscribed (RFC 5258 CHILDINFO "SUBSCRIBED"). */
  subscribedDescendant: boolean;
}

export function mailboxTree(folders: readonly FolderInfo[]): TreeEntry[] {
  const entries = new Map<string, TreeEntry>();
  const entry = (name: string): TreeEntry => {
    let found = entries.get(name);
    if (!found) {
      found = {
        name,
        exists: false,
        selectable: false,
        subscribed: false,
        specialUse: null,
        hasChildren: false,
        subscribedDescendant: false,
      };
      entries.set(name, found);
    }
    return found;
  };
  for (const folder of folders) {
    const own = entry(folder.name);
    own.exists = true;
    own.selectable = folder.selectable;
    own.subscribed = folder.subscribed;
    own.specialUse = folder.specialUse;
    const levels = folder.name.split("/");
    for (let depth = 1; depth < levels.length; depth++) {
      const parent = entry(levels.slice(0, depth).join("/"));
      parent.hasChildren = true;
      if (folder.subscribed) parent.subscribedDescendant = true;
    }
  }
  return [...entries.values()].sort((a, b) =>
    a.name === "INBOX" ? -1 : b.name === "INBOX" ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}
