// A complete in-memory ImapBackend: the transcript tests and the core's
// benchmarks run against it, and it defines by example what the PostgreSQL
// adapter must do. Changes from any session (or from deliver(), standing in
// for SMTP) reach every watcher of the folder.
import { splitHeaderBlock } from "../../server/mime/header-block.ts";
import type {
  AppendMessage,
  FolderChanges,
  FolderInfo,
  FolderStatus,
  ImapBackend,
  LoginResult,
  MessageContent,
  MessageMetadata,
  Namespaces,
  Outcome,
  Principal,
  QuotaRoot,
  SelectedFolder,
  StoreRequest,
  StoreResult,
  TextCriterion,
} from "./backend.ts";
import { MemoryMailbox, type MemoryUser, resolveName, SHARED_PREFIX } from "./memory-backend/memory-account.ts";
import { MemoryFolder, type MemoryMessage, stateOf } from "./memory-backend/memory-folder.ts";
import { matchesText } from "./mime/text-match.ts";

export interface MemoryPrincipal extends Principal {
  email: string;
}

/** Failed logins per user before the backend answers "throttled", as the real sign-in throttle does. */
const THROTTLE_AFTER_FAILURES = 10;

const STREAM_CHUNK = 64 * 1024;

export class MemoryBackend implements ImapBackend<MemoryPrincipal> {
  private readonly users = new Map<string, MemoryUser>();
  private readonly shared = new Map<string, MemoryMailbox>();
  private readonly foldersById = new Map<string, { folder: MemoryFolder; mailbox: MemoryMailbox }>();

  // --- set-up, used by tests and benchmarks -------------------------------

  addUser(email: string, password: string): MemoryMailbox {
    const key = email.toLowerCase();
    const personal = new MemoryMailbox(key, false);
    personal.members.add(key);
    this.index(personal);
    this.users.set(key, {
      email: key,
      password,
      personal,
      subscriptions: new Set(personal.folders.keys()),
      failures: 0,
    });
    return personal;
  }

  addSharedMailbox(address: string, members: string[]): MemoryMailbox {
    const mailbox = new MemoryMailbox(address.toLowerCase(), true);
    for (const member of members) {
      const user = this.users.get(member.toLowerCase());
      if (!user) throw new Error(`no user ${member}`);
      mailbox.members.add(user.email);
      for (const path of mailbox.folders.keys()) user.subscriptions.add(`${SHARED_PREFIX}${mailbox.address}/${path}`);
    }
    this.shared.set(mailbox.address, mailbox);
    this.index(mailbox);
    return mailbox;
  }

  /** Delivery as SMTP would do it: straight into a folder, watchers told. */
  deliver(address: string, raw: Buffer, options: { folder?: string; flags?: string[]; date?: Date } = {}): number {
    const mailbox = this.mailboxOf(address);
    const folder = mailbox.folders.get(options.folder ?? "INBOX");
    if (!folder) throw new Error(`no folder ${options.folder}`);
    const message = folder.add(toCrlf(raw), options.flags ?? [], options.date ?? new Date());
    folder.notify();
    return message.uid;
  }

  setQuota(address: string, quota: { bytes: number | null; messages: number | null }): void {
    this.mailboxOf(address).quota = quota;
  }

  folder(address: string, path: string): MemoryFolder {
    const folder = this.mailboxOf(address).folders.get(path);
    if (!folder) throw new Error(`no folder ${path} in ${address}`);
    return folder;
  }

  // --- ImapBackend ----------------------------------------------------------

  async login({ username, password }: { username: string; password: string }): Promise<LoginResult<MemoryPrincipal>> {
    const user = this.users.get(username.toLowerCase());
    if (user && user.failures >= THROTTLE_AFTER_FAILURES) return { ok: false, reason: "throttled" };
    if (!user || user.password !== password) {
      if (user) user.failures += 1;
      return { ok: false, reason: "invalid" };
    }
    user.failures = 0;
    return { ok: true, principal: { userKey: user.email, username: user.email, email: user.email } };
  }

  namespaces(): Namespaces {
    return { personal: [["", "/"]], shared: [[SHARED_PREFIX, "/"]] };
  }

  async listFolders(principal: MemoryPrincipal): Promise<FolderInfo[]> {
    const user = this.user(principal);
    const out: FolderInfo[] = [];
    const add = (name: string, specialUse: FolderInfo["specialUse"], selectable: boolean) =>
      out.push({ name, specialUse, selectable, subscribed: user.subscriptions.has(name) });
    for (const folder of user.personal.folders.values()) add(folder.path, folder.specialUse, true);
    const memberships = [...this.shared.values()].filter((mailbox) => mailbox.members.has(user.email));
    if (memberships.length > 0) add("Shared", null, false);
    for (const mailbox of memberships) {
      add(`${SHARED_PREFIX}${mailbox.address}`, null, false);
      for (const folder of mailbox.folders.values())
        add(`${SHARED_PREFIX}${mailbox.address}/${folder.path}`, folder.specialUse, true);
    }
    return out;
  }

  async folderStatus(principal: MemoryPrincipal, name: string): Promise<FolderStatus | null> {
    const folder = this.folderByName(principal, name)?.folder;
    if (!folder) return null;
    const has = (message: MemoryMessage, flag: string) => message.flags.includes(flag);
    return {
      messages: folder.messages.length,
      unseen: folder.messages.filter((message) => !has(message, "\\Seen")).length,
      deleted: folder.messages.filter((message) => has(message, "\\Deleted")).length,
      recent: folder.messages.filter((message) => message.uid >= folder.recentUid).length,
      size: folder.size,
      uidNext: folder.uidNext,
      uidValidity: folder.uidValidity,
      highestModseq: folder.highestModseq,
    };
  }

  async select(principal: MemoryPrincipal, name: string): Promise<SelectedFolder | null> {
    const found = this.folderByName(principal, name);
    if (!found) return null;
    const { folder } = found;
    return {
      folderId: folder.id,
      name,
      uidValidity: folder.uidValidity,
      uidNext: folder.uidNext,
      highestModseq: folder.highestModseq,
      readOnly: false,
      uids: folder.messages.map((message) => message.uid),
      flags: folder.messages.map((message) => stateOf(message).flags),
      modseqs: folder.messages.map((message) => message.modseq),
    };
  }

  async changesSince(principal: MemoryPrincipal, folderId: string, modseq: number): Promise<FolderChanges | null> {
    const folder = this.folderById(principal, folderId);
    if (!folder) return null;
    return {
      messages: folder.messages.filter((message) => message.modseq > modseq).map(stateOf),
      expunged: folder.expunged.filter((entry) => entry.modseq > modseq).map((entry) => entry.uid),
      highestModseq: folder.highestModseq,
      uidNext: folder.uidNext,
    };
  }

  async claimRecent(
    principal: MemoryPrincipal,
    folderId: string,
    upTo: number,
    claim: boolean,
  ): Promise<number | null> {
    const folder = this.folderById(principal, folderId);
    if (!folder) return null;
    const previous = folder.recentUid;
    if (claim) folder.recentUid = Math.max(previous, upTo);
    return previous;
  }

  async messageMetadata(principal: MemoryPrincipal, folderId: string, uids: number[]): Promise<MessageMetadata[]> {
    return this.messages(principal, folderId, uids).map((message) => ({
      ...stateOf(message),
      internalDate: message.internalDate,
      size: message.raw.length,
    }));
  }

  async readHeaders(principal: MemoryPrincipal, folderId: string, uids: number[]): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    for (const message of this.messages(principal, folderId, uids))
      out.set(message.uid, message.raw.subarray(0, splitHeaderBlock(message.raw).bodyStart));
    return out;
  }

  async readMessages(
    principal: MemoryPrincipal,
    folderId: string,
    uids: number[],
  ): Promise<Map<number, MessageContent>> {
    const out = new Map<number, MessageContent>();
    for (const message of this.messages(principal, folderId, uids)) {
      const raw = message.raw;
      out.set(message.uid, {
        size: raw.length,
        async *chunks() {
          for (let at = 0; at < raw.length; at += STREAM_CHUNK) yield raw.subarray(at, at + STREAM_CHUNK);
        },
      });
    }
    return out;
  }

  async matchText(
    principal: MemoryPrincipal,
    folderId: string,
    uids: number[],
    criteria: TextCriterion[],
  ): Promise<Set<number>[]> {
    const sets = criteria.map(() => new Set<number>());
    for (const message of this.messages(principal, folderId, uids)) {
      matchesText(message.raw, criteria).forEach((hit, index) => {
        if (hit) sets[index]?.add(message.uid);
      });
    }
    return sets;
  }

  async storeFlags(principal: MemoryPrincipal, folderId: string, request: StoreRequest): Promise<Outcome<StoreResult>> {
    const folder = this.folderById(principal, folderId);
    if (!folder) return { ok: false, code: "NONEXISTENT", text: "Mailbox no longer exists" };
    const result: StoreResult = { changed: [], modified: [] };
    for (const message of this.messages(principal, folderId, request.uids)) {
      if (request.unchangedSince !== null && message.modseq > request.unchangedSince) {
        result.modified.push(message.uid);
        continue;
      }
      const next = applyFlags(message.flags, request.mode, request.flags);
      if (sameFlags(next, message.flags)) continue;
      folder.setFlags(message, next);
      result.changed.push(stateOf(message));
    }
    if (result.changed.length > 0) folder.notify();
    return { ok: true, ...result };
  }

  async expunge(
    principal: MemoryPrincipal,
    folderId: string,
    uids: number[],
  ): Promise<Outcome<{ expunged: number[] }>> {
    const folder = this.folderById(principal, folderId);
    if (!folder) return { ok: false, code: "NONEXISTENT", text: "Mailbox no longer exists" };
    const expunged = folder.expunge(uids);
    if (expunged.length > 0) folder.notify();
    return { ok: true, expunged };
  }

  async append(
    principal: MemoryPrincipal,
    name: string,
    messages: AppendMessage[],
  ): Promise<Outcome<{ uidValidity: number; uids: number[] }>> {
    const found = this.folderByName(principal, name);
    if (!found) return { ok: false, code: "TRYCREATE", text: "No such mailbox" };
    const bytes = messages.reduce((sum, message) => sum + message.raw.length, 0);
    if (!found.mailbox.fits(bytes, messages.length)) return { ok: false, code: "OVERQUOTA", text: "Mailbox is full" };
    const uids = messages.map(
      (message) => found.folder.add(toCrlf(message.raw), message.flags, message.internalDate ?? new Date()).uid,
    );
    found.folder.notify();
    return { ok: true, uidValidity: found.folder.uidValidity, uids };
  }

  async copy(
    principal: MemoryPrincipal,
    folderId: string,
    uids: number[],
    target: string,
    move: boolean,
  ): Promise<Outcome<{ uidValidity: number; mapping: Array<[number, number]> }>> {
    const source = this.folderById(principal, folderId);
    const destination = this.folderByName(principal, target);
    if (!source) return { ok: false, code: "NONEXISTENT", text: "Mailbox no longer exists" };
    if (!destination) return { ok: false, code: "TRYCREATE", text: "No such mailbox" };
    const messages = this.messages(principal, folderId, uids);
    const bytes = messages.reduce((sum, message) => sum + message.raw.length, 0);
    const sameMailbox = this.foldersById.get(folderId)?.mailbox === destination.mailbox;
    // A move within one mailbox does not change its usage.
    if (!(move && sameMailbox) && !destination.mailbox.fits(bytes, messages.length))
      return { ok: false, code: "OVERQUOTA", text: "Mailbox is full" };
    const mapping: Array<[number, number]> = messages.map((message) => [
      message.uid,
      destination.folder.add(message.raw, message.flags, message.internalDate).uid,
    ]);
    destination.folder.notify();
    if (move && messages.length > 0) {
      source.expunge(messages.map((message) => message.uid));
      source.notify();
    }
    return { ok: true, uidValidity: destination.folder.uidValidity, mapping };
  }

  async createFolder(principal: MemoryPrincipal, name: string): Promise<Outcome<object>> {
    const resolved = resolveName(this.user(principal), this.shared, name);
    if (resolved?.kind === "shared-root" || resolved?.kind === "shared-mailbox")
      return { ok: false, code: "ALREADYEXISTS", text: "Mailbox already exists" };
    if (!resolved) return { ok: false, code: "CANNOT", text: "Cannot create a mailbox there" };
    if (resolved.mailbox.folders.has(resolved.path))
      return { ok: false, code: "ALREADYEXISTS", text: "Mailbox already exists" };
    const folder = new MemoryFolder(resolved.path, null);
    resolved.mailbox.folders.set(resolved.path, folder);
    this.foldersById.set(folder.id, { folder, mailbox: resolved.mailbox });
    return { ok: true };
  }

  async deleteFolder(principal: MemoryPrincipal, name: string): Promise<Outcome<object>> {
    const found = this.folderByName(principal, name);
    if (!found) return { ok: false, code: "NONEXISTENT", text: "No such mailbox" };
    const prefix = `${found.folder.path}/`;
    if ([...found.mailbox.folders.keys()].some((path) => path.startsWith(prefix)))
      return { ok: false, code: "INUSE", text: "Mailbox has children; delete them first" };
    found.mailbox.folders.delete(found.folder.path);
    this.foldersById.delete(found.folder.id);
    this.user(principal).subscriptions.delete(name);
    found.folder.notify();
    return { ok: true };
  }

  async renameFolder(principal: MemoryPrincipal, from: string, to: string): Promise<Outcome<object>> {
    const user = this.user(principal);
    const source = resolveName(user, this.shared, from);
    const target = resolveName(user, this.shared, to);
    if (source?.kind !== "folder" || !source.mailbox.folders.has(source.path))
      return { ok: false, code: "NONEXISTENT", text: "No such mailbox" };
    if (target?.kind !== "folder" || target.mailbox !== source.mailbox)
      return { ok: false, code: "CANNOT", text: "Mailboxes cannot move between accounts" };
    if (target.mailbox.folders.has(target.path))
      return { ok: false, code: "ALREADYEXISTS", text: "Mailbox already exists" };
    const folders = source.mailbox.folders;
    if (source.path === "INBOX") {
      // RFC 9051 §6.3.6: renaming INBOX moves its messages to the new name and leaves INBOX empty.
      const inbox = folders.get("INBOX") as MemoryFolder;
      const created = new MemoryFolder(target.path, null);
      for (const message of inbox.messages) created.add(message.raw, message.flags, message.internalDate);
      inbox.expunge(inbox.messages.map((message) => message.uid));
      folders.set(target.path, created);
      this.foldersById.set(created.id, { folder: created, mailbox: source.mailbox });
      inbox.notify();
      return { ok: true };
    }
    for (const [path, folder] of [...folders]) {
      if (path !== source.path && !path.startsWith(`${source.path}/`)) continue;
      const renamed = target.path + path.slice(source.path.length);
      folders.delete(path);
      folder.path = renamed;
      folders.set(renamed, folder);
      if (user.subscriptions.delete(source.prefix + path)) user.subscriptions.add(target.prefix + renamed);
    }
    return { ok: true };
  }

  async setSubscribed(principal: MemoryPrincipal, name: string, subscribed: boolean): Promise<Outcome<object>> {
    const user = this.user(principal);
    // RFC 9051 §6.3.7: subscribing needs the mailbox to exist; unsubscribing does not.
    if (subscribed) {
      if (!this.folderByName(principal, name)) return { ok: false, code: "NONEXISTENT", text: "No such mailbox" };
      user.subscriptions.add(name);
    } else {
      user.subscriptions.delete(name);
    }
    return { ok: true };
  }

  async quotaRoots(principal: MemoryPrincipal, folder: string): Promise<QuotaRoot[] | null> {
    const found = this.folderByName(principal, folder);
    if (!found) return null;
    const root = quotaRoot(found.mailbox);
    return root ? [root] : [];
  }

  async quota(principal: MemoryPrincipal, root: string): Promise<QuotaRoot | null> {
    const user = this.user(principal);
    const mailbox = root === user.personal.address ? user.personal : this.shared.get(root.toLowerCase());
    if (!mailbox?.members.has(user.email)) return null;
    return quotaRoot(mailbox);
  }

  watch(principal: MemoryPrincipal, folderId: string, onChange: () => void): () => void {
    const folder = this.folderById(principal, folderId);
    if (!folder) return () => {};
    folder.watchers.add(onChange);
    return () => folder.watchers.delete(onChange);
  }

  // --- internals ------------------------------------------------------------

  private index(mailbox: MemoryMailbox): void {
    for (const folder of mailbox.folders.values()) this.foldersById.set(folder.id, { folder, mailbox });
  }

  private mailboxOf(address: string): MemoryMailbox {
    const key = address.toLowerCase();
    const mailbox = this.shared.get(key) ?? this.users.get(key)?.personal;
    if (!mailbox) throw new Error(`no mailbox ${address}`);
    return mailbox;
  }

  private user(principal: MemoryPrincipal): MemoryUser {
    const user = this.users.get(principal.email);
    if (!user) throw new Error(`no user ${principal.email}`);
    return user;
  }

  private folderByName(
    principal: MemoryPrincipal,
    name: string,
  ): { folder: MemoryFolder; mailbox: MemoryMailbox } | null {
    const resolved = resolveName(this.user(principal), this.shared, name);
    if (resolved?.kind !== "folder") return null;
    const folder = resolved.mailbox.folders.get(resolved.path);
    return folder ? { folder, mailbox: resolved.mailbox } : null;
  }

  /** The folder, if it still exists and the principal may still see it. */
  private folderById(principal: MemoryPrincipal, folderId: string): MemoryFolder | null {
    const found = this.foldersById.get(folderId);
    if (!found?.mailbox.members.has(principal.email)) return null;
    return found.folder;
  }

  private messages(principal: MemoryPrincipal, folderId: string, uids: readonly number[]): MemoryMessage[] {
    const folder = this.folderById(principal, folderId);
    if (!folder) return [];
    const out: MemoryMessage[] = [];
    for (const uid of [...uids].sort((a, b) => a - b)) {
      const message = folder.find(uid);
      if (message) out.push(message);
    }
    return out;
  }
}

function applyFlags(current: string[], mode: StoreRequest["mode"], flags: string[]): string[] {
  const lower = new Set(flags.map((flag) => flag.toLowerCase()));
  if (mode === "replace") return [...flags];
  if (mode === "remove") return current.filter((flag) => !lower.has(flag.toLowerCase()));
  const have = new Set(current.map((flag) => flag.toLowerCase()));
  return [...current, ...flags.filter((flag) => !have.has(flag.toLowerCase()))];
}

function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((flag) => flag.toLowerCase()));
  return b.every((flag) => set.has(flag.toLowerCase()));
}

function quotaRoot(mailbox: MemoryMailbox): QuotaRoot | null {
  const { bytes, messages } = mailbox.quota;
  if (bytes === null && messages === null) return null;
  return {
    name: mailbox.address,
    storage:
      bytes === null ? null : { usedKiB: Math.ceil(mailbox.usedBytes / 1024), limitKiB: Math.floor(bytes / 1024) },
    messages: messages === null ? null : { used: mailbox.usedMessages, limit: messages },
  };
}

/** Stored mail is CRLF (DESIGN.md "Accept what real senders send"): bare LF becomes CRLF. */
function toCrlf(raw: Buffer): Buffer {
  if (!raw.includes(0x0a)) return raw;
  return Buffer.from(raw.toString("latin1").replace(/\r?\n/g, "\r\n"), "latin1");
}
