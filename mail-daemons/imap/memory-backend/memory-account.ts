// Users and mailboxes of the in-memory backend: a personal mailbox per user
// at the root of the namespace, shared mailboxes under "Shared/<address>/"
// for their members (DESIGN.md "Protocol logins"), each with its quota.
import type { SpecialUse } from "../backend.ts";
import { MemoryFolder } from "./memory-folder.ts";

export const SHARED_PREFIX = "Shared/";

export const DEFAULT_FOLDERS: Array<[string, SpecialUse | null]> = [
  ["INBOX", null],
  ["Sent", "\\Sent"],
  ["Drafts", "\\Drafts"],
  ["Trash", "\\Trash"],
  ["Junk", "\\Junk"],
  ["Archive", "\\Archive"],
];

export class MemoryMailbox {
  readonly folders = new Map<string, MemoryFolder>();
  readonly members = new Set<string>();
  quota: { bytes: number | null; messages: number | null } = { bytes: null, messages: null };

  constructor(
    readonly address: string,
    readonly shared: boolean,
  ) {
    for (const [path, specialUse] of DEFAULT_FOLDERS) this.folders.set(path, new MemoryFolder(path, specialUse));
  }

  get usedBytes(): number {
    let sum = 0;
    for (const folder of this.folders.values()) sum += folder.size;
    return sum;
  }

  get usedMessages(): number {
    let sum = 0;
    for (const folder of this.folders.values()) sum += folder.messages.length;
    return sum;
  }

  /** Whether `bytes` more in `count` messages fit (RFC 9208 §4.3 OVERQUOTA otherwise). */
  fits(bytes: number, count: number): boolean {
    if (this.quota.bytes !== null && this.usedBytes + bytes > this.quota.bytes) return false;
    if (this.quota.messages !== null && this.usedMessages + count > this.quota.messages) return false;
    return true;
  }
}

export interface MemoryUser {
  email: string;
  password: string;
  personal: MemoryMailbox;
  subscriptions: Set<string>;
  failures: number;
}

/** Where a full IMAP name points: a mailbox and a folder path in it, or a level above folders. */
export type Resolved =
  | { kind: "folder"; mailbox: MemoryMailbox; path: string; prefix: string }
  | { kind: "shared-root" }
  | { kind: "shared-mailbox"; mailbox: MemoryMailbox }
  | null;

export function resolveName(user: MemoryUser, shared: ReadonlyMap<string, MemoryMailbox>, name: string): Resolved {
  if (name === "Shared") return { kind: "shared-root" };
  if (!name.startsWith(SHARED_PREFIX)) return { kind: "folder", mailbox: user.personal, path: name, prefix: "" };
  const rest = name.slice(SHARED_PREFIX.length);
  const slash = rest.indexOf("/");
  const address = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const mailbox = shared.get(address);
  // A mailbox the user is not a member of answers exactly like one that does not exist.
  if (!mailbox?.members.has(user.email)) return null;
  if (slash < 0 || slash === rest.length - 1) return { kind: "shared-mailbox", mailbox };
  const path = rest.slice(slash + 1).replace(/^inbox(?=$|\/)/i, "INBOX");
  return { kind: "folder", mailbox, path, prefix: `${SHARED_PREFIX}${mailbox.address}/` };
}
