// The IMAP core's backend (backend.ts) over server/: each method maps onto
// one domain function there. Logins go through the protocols' shared
// credential check; every call asks the authority gate again which mailboxes
// the login may use (so a removed member or a disabled user stops at their
// next command) and names folders inside them only. The session's
// LoginAccess keeps the gate's answer until a yubin_access notice names the
// user, so asking costs no database round trip per call.
// Keywords and tags are mapped in keyword-tags.ts. Nothing here touches the
// database directly (DESIGN.md "Layout").
import type { AuthorizedMailboxId } from "../../server/access/gate.ts";
import { LoginAccess, listenForAccessChanges } from "../../server/access/login-access.ts";
import { verifyProtocolCredentials } from "../../server/auth/protocol-credentials.ts";
import { claimRecent } from "../../server/mail-folders/claim-recent.ts";
import {
  createFolder,
  deleteFolder,
  renameFolder,
  setFolderSubscribed,
} from "../../server/mail-folders/folder-admin.ts";
import { folderChanges } from "../../server/mail-folders/folder-changes.ts";
import { type FolderTree, folderTree, resolveFolderName } from "../../server/mail-folders/folder-names.ts";
import { folderSnapshot } from "../../server/mail-folders/folder-snapshot.ts";
import { folderStatus } from "../../server/mail-folders/folder-status.ts";
import { folderMailbox, listFolders } from "../../server/mail-folders/list-folders.ts";
import { type MailboxQuota, mailboxQuota } from "../../server/mail-folders/mailbox-quota.ts";
import { entryContents, entryHeaders, entryMetadata } from "../../server/mail-folders/read-messages.ts";
import { searchBodies } from "../../server/mail-folders/search-bodies.ts";
import { appendMessages } from "../../server/mail-store/append-messages.ts";
import { copyMessages } from "../../server/mail-store/copy-messages.ts";
import { expungeMessages } from "../../server/mail-store/expunge-messages.ts";
import { storeFlags } from "../../server/mail-store/store-flags.ts";
import { MailHub } from "../../server/realtime/mail-hub.ts";
import type {
  FolderInfo,
  ImapBackend,
  MessageState,
  Outcome,
  Principal,
  QuotaRoot,
  SpecialUse,
  TextCriterion,
} from "./backend.ts";
import { imapFlags, splitFlags } from "./keyword-tags.ts";
import { matchesText } from "./mime/text-match.ts";

export interface StorePrincipal extends Principal {
  userId: number;
  /** Set for a mailbox-scoped app password: the only mailbox this session sees (at the root). */
  scopedMailboxId: number | null;
  remoteAddress: string;
}

export interface StoreImapBackend extends ImapBackend<StorePrincipal> {
  /** Resolves once the process's LISTEN connection is up. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const NO_MAILBOX = { ok: false, code: "NONEXISTENT", text: "No such mailbox" } as const;
const TRYCREATE = { ok: false, code: "TRYCREATE", text: "No such mailbox" } as const;
const OVERQUOTA = { ok: false, code: "OVERQUOTA", text: "Mailbox is full" } as const;

/** `databaseUrl`: where the process's one LISTEN connection goes (its DATABASE_URL). */
export function storeImapBackend(databaseUrl: string): StoreImapBackend {
  const hub = new MailHub(databaseUrl);
  const releaseAccess = listenForAccessChanges(databaseUrl);

  // A command makes several backend calls and a FETCH of many messages makes one per batch; each
  // needs the login's mailboxes, from the session's standing with the gate.
  const authority = new WeakMap<StorePrincipal, LoginAccess>();
  const mailboxesOf = (principal: StorePrincipal) => {
    let access = authority.get(principal);
    if (!access) {
      access = new LoginAccess({ user: { id: principal.userId }, mailboxId: principal.scopedMailboxId });
      authority.set(principal, access);
    }
    return access.mailboxes();
  };
  const treeOf = async (principal: StorePrincipal): Promise<FolderTree> =>
    folderTree(await mailboxesOf(principal), principal.scopedMailboxId !== null);
  const idsOf = async (principal: StorePrincipal): Promise<AuthorizedMailboxId[]> =>
    (await mailboxesOf(principal)).map((m) => m.mailboxId);
  /** The mailbox and folder path a full name means, when it names a folder the login may see. */
  const folderOf = async (principal: StorePrincipal, name: string) => {
    const resolved = resolveFolderName(await treeOf(principal), name);
    return resolved?.kind === "folder" ? resolved : null;
  };
  const state = (entry: { uid: number; modseq: number; flags: string[]; tags: string[] }): MessageState => ({
    uid: entry.uid,
    modseq: entry.modseq,
    flags: imapFlags(entry),
  });

  return {
    async login({ username, password, remoteAddress }) {
      const verdict = await verifyProtocolCredentials({ login: username, password, remoteAddress, door: "imap" });
      if (!verdict.ok) return verdict;
      return {
        ok: true,
        principal: {
          userKey: String(verdict.user.id),
          username: verdict.login,
          userId: verdict.user.id,
          scopedMailboxId: verdict.mailboxId,
          remoteAddress,
        },
      };
    },

    namespaces() {
      return { personal: [["", "/"]], shared: [["Shared/", "/"]] };
    },

    async listFolders(principal) {
      const folders = await listFolders(await treeOf(principal));
      return folders.map(
        (folder): FolderInfo => ({
          name: folder.name,
          specialUse: folder.specialUse as SpecialUse | null,
          subscribed: folder.subscribed,
          selectable: folder.folderId !== null,
        }),
      );
    },

    async folderStatus(principal, name) {
      const folder = await folderOf(principal, name);
      if (!folder) return null;
      const status = await folderStatus({ mailboxId: folder.mailbox.mailboxId, folderName: folder.path });
      return status && { ...status };
    },

    async select(principal, name) {
      const folder = await folderOf(principal, name);
      if (!folder) return null;
      const snapshot = await folderSnapshot({ mailboxId: folder.mailbox.mailboxId, folderName: folder.path });
      if (!snapshot) return null;
      return {
        folderId: String(snapshot.folderId),
        name,
        uidValidity: snapshot.uidValidity,
        uidNext: snapshot.uidNext,
        highestModseq: snapshot.highestModseq,
        readOnly: false,
        uids: snapshot.uids,
        modseqs: snapshot.modseqs,
        // Untagged entries keep the snapshot's shared flag arrays.
        flags:
          snapshot.tags.size === 0
            ? snapshot.flags
            : snapshot.uids.map((uid, i) =>
                imapFlags({ flags: snapshot.flags[i] as string[], tags: snapshot.tags.get(uid) ?? [] }),
              ),
      };
    },

    async changesSince(principal, folderId, modseq) {
      const changes = await folderChanges({
        mailboxIds: await idsOf(principal),
        folderId: Number(folderId),
        since: modseq,
      });
      return changes && { ...changes, messages: changes.messages.map(state) };
    },

    async claimRecent(principal, folderId, upTo, claim) {
      return claimRecent({ mailboxIds: await idsOf(principal), folderId: Number(folderId), upTo, claim });
    },

    async messageMetadata(principal, folderId, uids) {
      const rows = await entryMetadata({ mailboxIds: await idsOf(principal), folderId: Number(folderId), uids });
      return rows.map((row) => ({ ...state(row), internalDate: row.internalDate, size: row.size }));
    },

    async readHeaders(principal, folderId, uids) {
      return entryHeaders({ mailboxIds: await idsOf(principal), folderId: Number(folderId), uids });
    },

    async readMessages(principal, folderId, uids) {
      return entryContents({ mailboxIds: await idsOf(principal), folderId: Number(folderId), uids });
    },

    async matchText(principal, folderId, uids, criteria) {
      const ref = { mailboxIds: await idsOf(principal), folderId: Number(folderId), uids };
      const needsHeaders = criteria.some((c) => c.kind !== "body");
      const headers = needsHeaders ? await entryHeaders(ref) : new Map<number, Buffer>();
      const out: Set<number>[] = [];
      for (const criterion of criteria) {
        const hits = new Set<number>();
        if (criterion.kind !== "header") {
          for (const uid of await searchBodies({ ...ref, value: criterion.value })) hits.add(uid);
        }
        if (criterion.kind !== "body") {
          // Header keys, and TEXT's header half, on the header blocks as the core parses them.
          const asHeader: TextCriterion =
            criterion.kind === "text" ? { kind: "text", value: criterion.value } : criterion;
          for (const [uid, block] of headers) if (matchesText(block, [asHeader])[0]) hits.add(uid);
        }
        out.push(hits);
      }
      return out;
    },

    async storeFlags(principal, folderId, request) {
      const { flags, tags } = splitFlags(request.flags);
      const result = await storeFlags({
        mailboxIds: await idsOf(principal),
        folderId: Number(folderId),
        uids: request.uids,
        mode: request.mode,
        flags,
        tags,
        unchangedSince: request.unchangedSince,
        actorId: principal.userId,
        ip: principal.remoteAddress,
      });
      if (!result) return { ok: false, code: "NONEXISTENT", text: "Mailbox no longer exists" };
      return { ok: true, changed: result.changed.map(state), modified: result.modified };
    },

    async expunge(principal, folderId, uids) {
      const mailboxId = await folderMailbox(await idsOf(principal), Number(folderId));
      if (mailboxId === null) return { ok: false, code: "NONEXISTENT", text: "Mailbox no longer exists" };
      const result = await expungeMessages({
        mailboxId,
        folderId: Number(folderId),
        select: { uids },
        actorId: principal.userId,
        door: "imap",
        ip: principal.remoteAddress,
      });
      return { ok: true, expunged: result.expunged.map((entry) => entry.uid) };
    },

    async append(principal, name, messages) {
      const folder = await folderOf(principal, name);
      if (!folder) return TRYCREATE;
      const outcome = await appendMessages({
        mailboxId: folder.mailbox.mailboxId,
        folderName: folder.path,
        messages: messages.map((message) => ({
          raw: message.raw,
          internalDate: message.internalDate,
          ...splitFlags(message.flags),
        })),
        actorId: principal.userId,
        ip: principal.remoteAddress,
      });
      if (outcome.ok) return { ok: true, uidValidity: outcome.uidValidity, uids: outcome.uids };
      return outcome.reason === "over_quota" ? OVERQUOTA : TRYCREATE;
    },

    async copy(principal, folderId, uids, target, move) {
      const mailboxes = await mailboxesOf(principal);
      const destination = resolveFolderName(folderTree(mailboxes, principal.scopedMailboxId !== null), target);
      if (destination?.kind !== "folder") return TRYCREATE;
      const outcome = await copyMessages({
        mailboxIds: mailboxes.map((m) => m.mailboxId),
        folderId: Number(folderId),
        uids,
        target: { mailboxId: destination.mailbox.mailboxId, folderName: destination.path },
        move,
        actorId: principal.userId,
        ip: principal.remoteAddress,
      });
      if (outcome.ok) return { ok: true, uidValidity: outcome.uidValidity, mapping: outcome.mapping };
      if (outcome.reason === "over_quota") return OVERQUOTA;
      return outcome.reason === "no_source"
        ? { ok: false, code: "NONEXISTENT", text: "Mailbox no longer exists" }
        : TRYCREATE;
    },

    async createFolder(principal, name): Promise<Outcome<object>> {
      const resolved = resolveFolderName(await treeOf(principal), name);
      if (resolved?.kind === "shared-root" || resolved?.kind === "shared-mailbox")
        return { ok: false, code: "ALREADYEXISTS", text: "Mailbox already exists" };
      if (!resolved || resolved.path === "")
        return { ok: false, code: "CANNOT", text: "Cannot create a mailbox there" };
      const outcome = await createFolder({
        mailboxId: resolved.mailbox.mailboxId,
        path: resolved.path,
        actorId: principal.userId,
        ip: principal.remoteAddress,
      });
      return outcome.ok ? outcome : { ok: false, code: "ALREADYEXISTS", text: "Mailbox already exists" };
    },

    async deleteFolder(principal, name): Promise<Outcome<object>> {
      const folder = await folderOf(principal, name);
      if (!folder) return { ok: false, code: "NONEXISTENT", text: "No such mailbox" };
      const outcome = await deleteFolder({
        mailboxId: folder.mailbox.mailboxId,
        path: folder.path,
        actorId: principal.userId,
        ip: principal.remoteAddress,
      });
      if (outcome.ok) return outcome;
      if (outcome.reason === "has_children")
        return { ok: false, code: "INUSE", text: "Mailbox has children; delete them first" };
      if (outcome.reason === "inbox") return { ok: false, code: "CANNOT", text: "INBOX cannot be deleted" };
      return NO_MAILBOX;
    },

    async renameFolder(principal, from, to): Promise<Outcome<object>> {
      const tree = await treeOf(principal);
      const source = resolveFolderName(tree, from);
      const target = resolveFolderName(tree, to);
      if (source?.kind !== "folder") return NO_MAILBOX;
      if (target?.kind !== "folder" || target.mailbox !== source.mailbox)
        return { ok: false, code: "CANNOT", text: "Mailboxes cannot move between accounts" };
      const outcome = await renameFolder({
        mailboxId: source.mailbox.mailboxId,
        from: source.path,
        to: target.path,
        actorId: principal.userId,
        ip: principal.remoteAddress,
      });
      if (outcome.ok) return outcome;
      return outcome.reason === "exists"
        ? { ok: false, code: "ALREADYEXISTS", text: "Mailbox already exists" }
        : NO_MAILBOX;
    },

    async setSubscribed(principal, name, subscribed): Promise<Outcome<object>> {
      const folder = await folderOf(principal, name);
      // RFC 9051 §6.3.7: subscribing needs the mailbox to exist; unsubscribing does not.
      const done = folder
        ? await setFolderSubscribed({ mailboxId: folder.mailbox.mailboxId, path: folder.path, subscribed })
        : false;
      return done || !subscribed ? { ok: true } : NO_MAILBOX;
    },

    async quotaRoots(principal, name) {
      const folder = await folderOf(principal, name);
      if (!folder) return null;
      const quota = await mailboxQuota(folder.mailbox.mailboxId);
      const root = quota && quotaRoot(quota);
      return root ? [root] : [];
    },

    async quota(principal, root) {
      const mailbox = (await mailboxesOf(principal)).find((m) => m.address === root.toLowerCase());
      if (!mailbox) return null;
      const quota = await mailboxQuota(mailbox.mailboxId);
      return quota && quotaRoot(quota);
    },

    watch(_principal, folderId, onChange) {
      return hub.watch(Number(folderId), onChange);
    },

    ready: () => hub.ready(),
    close: async () => {
      await Promise.all([hub.close(), releaseAccess()]);
    },
  };
}

/** RFC 9208 §5.1: STORAGE in units of 1024 octets; no root at all for an unlimited mailbox. */
function quotaRoot(quota: MailboxQuota): QuotaRoot | null {
  if (quota.quotaBytes === null && quota.quotaMessages === null) return null;
  return {
    name: quota.address,
    storage:
      quota.quotaBytes === null
        ? null
        : { usedKiB: Math.ceil(quota.usedBytes / 1024), limitKiB: Math.floor(quota.quotaBytes / 1024) },
    messages: quota.quotaMessages === null ? null : { used: quota.usedMessages, limit: quota.quotaMessages },
  };
}
