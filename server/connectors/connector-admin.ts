// Adding, listing, pausing and removing connectors (CLI and admin panel
// alike; callers are admins only). Each change is audited in the same
// transaction; the password goes in sealed (password-box.ts) and never comes
// back out of this module: a ConnectorView has no password field.
import { recordAudit } from "../audit/record-audit.ts";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { normalizeAddress } from "../mailboxes/address.ts";
import { connectorUrl } from "./connector-url.ts";
import { sealPassword } from "./password-box.ts";

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

/** Checks and normalises what an admin typed; throws InputError with the reason. */
export function validateSettings(s: ConnectorSettings): Required<ConnectorSettings> {
  const host = s.host.trim().toLowerCase();
  if (!/^[a-z0-9.:-]+$/.test(host) || host.length > 253) throw new InputError(`"${s.host}" is not a host name`);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new InputError(`${s.port} is not a port`);
  if (s.tls !== "implicit" && s.tls !== "starttls") throw new InputError("TLS must be implicit or starttls");
  const username = s.username.trim();
  if (!username || username.length > 320 || /[\r\n\0]/.test(username)) {
    throw new InputError("the user name is empty or not valid");
  }
  if (!s.password || s.password.length > 1000 || /[\r\n\0]/.test(s.password)) {
    throw new InputError("the password is empty or not valid");
  }
  const folders = [...new Set((s.folders ?? ["INBOX"]).map((f) => f.trim()).filter(Boolean))];
  if (folders.length === 0) throw new InputError("name at least one folder");
  if (folders.length > MAX_FOLDERS) throw new InputError(`at most ${MAX_FOLDERS} folders`);
  for (const f of folders) {
    if (f.length > 500 || /[\r\n\0]/.test(f)) throw new InputError(`"${f.slice(0, 40)}" is not a folder name`);
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
  const id = await db().$transaction(async (tx) => {
    const mailbox = await tx.mailbox.findUnique({ where });
    if (!mailbox)
      throw new InputError(`no mailbox ${"address" in where ? where.address : `#${where.id}`}`, "not_found");
    const address = mailbox.address;
    if (mailbox.kind !== "shared") throw new InputError(`${address} is not a shared mailbox`);
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
      },
    });
    await recordAudit(
      {
        actorId: input.actorId,
        action: "connector.add",
        subjectType: "connector",
        subjectId: created.id,
        // The password is never part of an audit record.
        after: {
          mailbox: address,
          url: connectorUrl(s),
          folders: s.folders,
          since: s.since?.toISOString() ?? null,
          checkCertificate: s.checkCertificate,
          ca: s.caPem !== null,
        },
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
