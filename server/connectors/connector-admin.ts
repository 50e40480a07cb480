// Adding, editing, listing, pausing and removing connectors (CLI and admin
// panel alike; callers are admins only). Each change is audited in the same
// transaction; the passwords (IMAP and relay) go in sealed (password-box.ts)
// and never come back out of this module: a ConnectorView has no password
// field.
import { recordAudit } from "../audit/record-audit.ts";
import { db, type Prisma } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "../mailboxes/address.ts";
import { connectorUrl } from "./connector-url.ts";
import { sealPassword } from "./password-box.ts";
import { type RelayEndpoint, relayUrl } from "./relay-url.ts";

export type MarkSeen = "off" | "imported" | "closed";

/** An SMTP relay for mail sent from the mailbox's address; the password only when set or changed. */
export interface RelaySettings extends RelayEndpoint {
  password?: string;
}

export interface ConnectorSettings {
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  username: string;
  password: string;
  checkCertificate?: boolean;
  caPem?: string | null;
  folders?: string[];
  since?: Date | null;
  /** Write-back, off by default: \Seen on the remote copy when imported or when its conversation is closed. */
  markSeen?: MarkSeen;
  /** Write-back: move imported messages to this remote folder (never a delete). */
  moveTo?: string | null;
  relay?: RelaySettings | null;
}

export interface RelayView extends RelayEndpoint {
  url: string;
}

export interface ConnectorView {
  id: number;
  mailboxId: number;
  address: string;
  url: string;
  host: string;
  port: number;
  tls: "implicit" | "starttls";
  username: string;
  checkCertificate: boolean;
  hasCa: boolean;
  folders: string[];
  since: Date | null;
  markSeen: MarkSeen;
  moveTo: string | null;
  relay: RelayView | null;
  paused: boolean;
  status: string;
  imported: number;
  scanTotal: number;
  scanDone: number;
  lastSyncAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** The mail process holding it now, if any. */
  owner: string | null;
  folderErrors: { folder: string; error: string; at: Date | null }[];
}

const MAX_FOLDERS = 50;

type Tx = Prisma.TransactionClient;

function checkHost(text: string, what = ""): string {
  const host = text.trim().toLowerCase();
  if (!/^[a-z0-9.:-]+$/.test(host) || host.length > 253) throw new InputError(`"${text}" is not a ${what}host name`);
  return host;
}

function checkPort(port: number, what = ""): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`${port} is not a ${what}port`);
}

function checkUser(text: string, what = ""): string {
  const username = text.trim();
  if (!username || username.length > 320 || /[\r\n\0]/.test(username)) {
    throw new InputError(`the ${what}user name is empty or not valid`);
  }
  return username;
}

function checkPassword(password: string | undefined, what = ""): void {
  if (!password || password.length > 1000 || /[\r\n\0]/.test(password)) {
    throw new InputError(`the ${what}password is empty or not valid`);
  }
}

function checkFolder(f: string): void {
  if (f.length > 500 || /[\r\n\0]/.test(f)) throw new InputError(`"${f.slice(0, 40)}" is not a folder name`);
}

type Checked = Omit<Required<ConnectorSettings>, "relay"> & { relay: RelaySettings | null };

/**
 * Checks and normalises what an admin typed; throws InputError with the reason.
 * `passwordsKept`: an edit, where a password left out keeps the stored one.
 */
export function validateSettings(
  s: ConnectorSettings,
  passwordsKept: { imap?: boolean; relay?: boolean } = {},
): Checked {
  const host = checkHost(s.host);
  checkPort(s.port);
  if (s.tls !== "implicit" && s.tls !== "starttls") throw new InputError("TLS must be implicit or starttls");
  const username = checkUser(s.username);
  if (!(passwordsKept.imap && !s.password)) checkPassword(s.password);
  const folders = [...new Set((s.folders ?? ["INBOX"]).map((f) => f.trim()).filter(Boolean))];
  if (folders.length === 0) throw new InputError("name at least one folder");
  if (folders.length > MAX_FOLDERS) throw new InputError(`at most ${MAX_FOLDERS} folders`);
  for (const f of folders) checkFolder(f);
  const markSeen = s.markSeen ?? "off";
  if (!["off", "imported", "closed"].includes(markSeen))
    throw new InputError("mark-seen must be off, imported or closed");
  const moveTo = s.moveTo?.trim() || null;
  if (moveTo) {
    checkFolder(moveTo);
    // Moved mail would come back as a folder followed: refuse rather than import it a second way.
    if (folders.includes(moveTo))
      throw new InputError(`"${moveTo}" is followed: it cannot also be where imported mail is moved`);
  }
  let relay: RelaySettings | null = null;
  if (s.relay) {
    const r = s.relay;
    if (r.tls !== "implicit" && r.tls !== "starttls")
      throw new InputError("the relay's TLS must be implicit or starttls");
    checkPort(r.port, "relay ");
    if (!(passwordsKept.relay && !r.password)) checkPassword(r.password, "relay ");
    relay = {
      host: checkHost(r.host, "relay "),
      port: r.port,
      tls: r.tls,
      username: checkUser(r.username, "relay "),
      checkCertificate: r.checkCertificate,
      ...(r.password ? { password: r.password } : {}),
    };
  }
  const caPem = s.caPem?.trim() || null;
  if (caPem && !caPem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new InputError("the CA file is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  const since = s.since ?? null;
  if (since && Number.isNaN(since.getTime())) throw new InputError("the since date is not a date");
  return {
    host,
    port: s.port,
    tls: s.tls,
    username,
    password: s.password,
    checkCertificate: s.checkCertificate ?? true,
    caPem,
    folders,
    since,
    markSeen,
    moveTo,
    relay,
  };
}

/** The relay columns for a checked relay (the password sealed), or all null. */
function relayColumns(relay: RelaySettings | null, dataDir: string, keptBox: string | null) {
  if (!relay) {
    return {
      relayHost: null,
      relayPort: null,
      relayTls: null,
      relayUsername: null,
      relayPasswordBox: null,
      relayCheckCertificate: true,
    };
  }
  const box = relay.password ? sealPassword(dataDir, relay.password) : keptBox;
  if (!box) throw new InputError("the relay needs a password");
  return {
    relayHost: relay.host,
    relayPort: relay.port,
    relayTls: relay.tls,
    relayUsername: relay.username,
    relayPasswordBox: box,
    relayCheckCertificate: relay.checkCertificate,
  };
}

/** Mail from one address leaves through one relay: a second connector of the mailbox cannot name another. */
async function refuseSecondRelay(tx: Tx, mailboxId: number, exceptId: number | null, address: string) {
  const other = await tx.connector.findFirst({
    where: { mailboxId, relayHost: { not: null }, ...(exceptId ? { id: { not: exceptId } } : {}) },
    select: { id: true },
  });
  if (other)
    throw new InputError(
      `connector #${other.id} already relays mail sent from ${address}: change or remove its relay first`,
    );
}

/** What an audit record says of the settings: never a password. */
function audited(s: Checked) {
  return {
    url: connectorUrl(s),
    folders: s.folders,
    since: s.since?.toISOString() ?? null,
    checkCertificate: s.checkCertificate,
    ca: s.caPem !== null,
    markSeen: s.markSeen,
    moveTo: s.moveTo,
    relay: s.relay ? relayUrl(s.relay) : null,
  };
}

export async function addConnector(input: {
  /** The shared mailbox, by address (CLI) or id (admin panel). */
  address?: string;
  mailboxId?: number;
  settings: ConnectorSettings;
  dataDir: string;
  actorId: number | null;
  ip?: string | null;
}): Promise<ConnectorView> {
  const s = validateSettings(input.settings);
  const where =
    input.address !== undefined ? { address: normalizeAddress(input.address).address } : { id: input.mailboxId ?? 0 };
  const passwordBox = sealPassword(input.dataDir, s.password);
  const relay = relayColumns(s.relay, input.dataDir, null);
  const id = await db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where });
    if (!mailbox)
      throw new InputError(`no mailbox ${"address" in where ? where.address : `#${where.id}`}`, "not_found");
    const address = mailbox.address;
    if (mailbox.kind !== "shared") throw new InputError(`${address} is not a shared mailbox`);
    if (s.relay) await refuseSecondRelay(tx, mailbox.id, null, address);
    const created = await tx.connector.create({
      data: {
        mailboxId: mailbox.id,
        host: s.host,
        port: s.port,
        tls: s.tls,
        checkCertificate: s.checkCertificate,
        caPem: s.caPem,
        username: s.username,
        passwordBox,
        folders: s.folders,
        since: s.since,
        markSeen: s.markSeen,
        moveTo: s.moveTo,
        ...relay,
      },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "connector.add",
        subjectType: "connector",
        subjectId: created.id,
        // The password is never part of an audit record.
        after: { mailbox: address, ...audited(s) },
        ip: input.ip ?? null,
      },
      tx,
    );
    return created.id;
  });
  return getConnector(id);
}

export async function listConnectors(filter: { address?: string } = {}): Promise<ConnectorView[]> {
  const address = filter.address ? normalizeAddress(filter.address).address : undefined;
  const rows = await db().connector.findMany({
    where: address ? { mailbox: { address } } : {},
    include: { mailbox: { select: { address: true } }, folderStates: true },
    orderBy: { id: "asc" },
  });
  const now = new Date();
  return rows.map((c) => ({
    id: c.id,
    mailboxId: c.mailboxId,
    address: c.mailbox.address,
    url: connectorUrl(c),
    host: c.host,
    port: c.port,
    tls: c.tls,
    username: c.username,
    checkCertificate: c.checkCertificate,
    hasCa: c.caPem !== null,
    folders: c.folders,
    since: c.since,
    markSeen: c.markSeen,
    moveTo: c.moveTo,
    relay: relayView(c),
    paused: c.paused,
    status: c.paused ? "paused" : c.status,
    imported: c.imported,
    scanTotal: c.scanTotal,
    scanDone: c.scanDone,
    lastSyncAt: c.lastSyncAt,
    lastError: c.lastError,
    lastErrorAt: c.lastErrorAt,
    owner: c.leaseOwner && c.leaseUntil && c.leaseUntil > now ? c.leaseOwner : null,
    folderErrors: c.folderStates
      .filter((f) => f.lastError)
      .map((f) => ({ folder: f.name, error: f.lastError as string, at: f.lastErrorAt })),
  }));
}

function relayView(c: {
  relayHost: string | null;
  relayPort: number | null;
  relayTls: "implicit" | "starttls" | null;
  relayUsername: string | null;
  relayCheckCertificate: boolean;
}): RelayView | null {
  if (!c.relayHost || !c.relayPort || !c.relayTls || !c.relayUsername) return null;
  const r = {
    host: c.relayHost,
    port: c.relayPort,
    tls: c.relayTls,
    username: c.relayUsername,
    checkCertificate: c.relayCheckCertificate,
  };
  return { ...r, url: relayUrl(r) };
}

/**
 * Changes a connector's settings. Fields left out stay as they are; a
 * password left out (IMAP or relay) keeps the stored one; `relay: null`
 * removes the relay; `caPem: null` forgets the CA. The sync state (each
 * folder's UIDVALIDITY and highest UID) is kept — a new password, port, TLS
 * mode, folder list or write-back setting is the same remote mailbox — unless
 * the host or the user name changes: that is another mailbox, whose UIDs mean
 * nothing here, so its folders are scanned from the start; what was imported
 * before is still recognised by content and not stored twice. The mail
 * process running it lets go and takes it up again with the new settings.
 */
export async function updateConnector(input: {
  id: number;
  changes: Partial<ConnectorSettings>;
  dataDir: string;
  actorId: number | null;
  ip?: string | null;
}): Promise<ConnectorView> {
  const before = await getConnector(input.id);
  const ch = input.changes;
  const relay =
    ch.relay === undefined ? (before.relay ? { ...before.relay } : null) : ch.relay === null ? null : ch.relay;
  const merged: ConnectorSettings = {
    host: ch.host ?? before.host,
    port: ch.port ?? before.port,
    tls: ch.tls ?? before.tls,
    username: ch.username ?? before.username,
    password: ch.password ?? "",
    checkCertificate: ch.checkCertificate ?? before.checkCertificate,
    caPem: ch.caPem,
    folders: ch.folders ?? before.folders,
    since: ch.since === undefined ? before.since : ch.since,
    markSeen: ch.markSeen ?? before.markSeen,
    moveTo: ch.moveTo === undefined ? before.moveTo : ch.moveTo,
    relay,
  };
  const s = validateSettings(merged, { imap: true, relay: before.relay !== null });
  const newAccount = s.host !== before.host || s.username !== before.username;
  if (newAccount && !ch.password) throw new InputError("a new host or user name needs its password too");
  await db().$transaction(async (tx) => {
    const row = await tx.connector.findUnique({ where: { id: input.id } });
    if (!row) throw new InputError(`no connector ${input.id}`, "not_found");
    if (s.relay && !before.relay) await refuseSecondRelay(tx, row.mailboxId, row.id, before.address);
    // A relay moved to another host or user must not send the old password there.
    const sameRelay =
      before.relay !== null &&
      s.relay !== null &&
      s.relay.host === before.relay.host &&
      s.relay.username === before.relay.username;
    if (s.relay && !s.relay.password && !sameRelay)
      throw new InputError("a new relay host or user needs its password too");
    await tx.connector.update({
      where: { id: row.id },
      data: {
        host: s.host,
        port: s.port,
        tls: s.tls,
        username: s.username,
        checkCertificate: s.checkCertificate,
        ...(ch.caPem !== undefined ? { caPem: s.caPem } : {}),
        ...(ch.password ? { passwordBox: sealPassword(input.dataDir, s.password) } : {}),
        folders: s.folders,
        since: s.since,
        markSeen: s.markSeen,
        moveTo: s.moveTo,
        ...relayColumns(s.relay, input.dataDir, sameRelay ? row.relayPasswordBox : null),
        // The holder's next renewal fails, it lets go, and a runner takes it up with these settings.
        leaseOwner: null,
        leaseUntil: null,
        status: row.paused ? "paused" : "waiting",
        lastError: null,
        lastErrorAt: null,
        updatedAt: new Date(),
      },
    });
    if (newAccount) {
      await tx.connectorFolder.deleteMany({ where: { connectorId: row.id } });
      await tx.connector.update({ where: { id: row.id }, data: { scanTotal: 0, scanDone: 0 } });
    }
    await recordAudit(
      {
        actorId: input.actorId,
        action: "connector.edit",
        subjectType: "connector",
        subjectId: row.id,
        before: {
          url: before.url,
          folders: before.folders,
          since: before.since?.toISOString() ?? null,
          checkCertificate: before.checkCertificate,
          ca: before.hasCa,
          markSeen: before.markSeen,
          moveTo: before.moveTo,
          relay: before.relay?.url ?? null,
        },
        after: {
          ...audited({ ...s, caPem: ch.caPem === undefined ? (before.hasCa ? "kept" : null) : s.caPem }),
          password: ch.password ? "changed" : "kept",
          relayPassword: s.relay ? (s.relay.password ? "changed" : "kept") : null,
          syncState: newAccount ? "reset (new host or user)" : "kept",
        },
        ip: input.ip ?? null,
      },
      tx,
    );
  });
  return getConnector(input.id);
}

export async function getConnector(id: number): Promise<ConnectorView> {
  const found = (await listConnectors()).find((c) => c.id === id);
  if (!found) throw new InputError(`no connector ${id}`, "not_found");
  return found;
}

export async function setConnectorPaused(input: {
  id: number;
  paused: boolean;
  actorId: number | null;
  ip?: string | null;
}): Promise<ConnectorView> {
  await db().$transaction(async (tx) => {
    const c = await tx.connector.findUnique({ where: { id: input.id } });
    if (!c) throw new InputError(`no connector ${input.id}`, "not_found");
    // The runner holding it sees `paused` at its next check and lets go (connector-lease.ts).
    await tx.connector.update({ where: { id: c.id }, data: { paused: input.paused, updatedAt: new Date() } });
    await recordAudit(
      {
        actorId: input.actorId,
        action: input.paused ? "connector.pause" : "connector.resume",
        subjectType: "connector",
        subjectId: c.id,
        before: { paused: c.paused },
        after: { paused: input.paused },
        ip: input.ip ?? null,
      },
      tx,
    );
  });
  return getConnector(input.id);
}

/** Removes the connector and its sync state; the mail it imported stays in the mailbox. */
export async function removeConnector(input: { id: number; actorId: number | null; ip?: string | null }) {
  const view = await getConnector(input.id);
  await db().$transaction(async (tx) => {
    await tx.connector.delete({ where: { id: input.id } });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "connector.remove",
        subjectType: "connector",
        subjectId: input.id,
        before: { mailbox: view.address, url: view.url, imported: view.imported },
        ip: input.ip ?? null,
      },
      tx,
    );
  });
  return view;
}
