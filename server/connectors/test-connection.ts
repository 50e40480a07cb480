// "Test connection": each step in turn, so the answer names exactly what
// failed — DNS (the name), TCP (the port), TLS (the certificate or the
// handshake), authentication (user and password), folder (each one followed).
// Used by the admin panel before saving and by `yubin connector test`.
import { lookup } from "node:dns/promises";
import net from "node:net";
import { db } from "../db.ts";
import { InputError } from "../errors.ts";
import { describeFailure, type FailureStep } from "./describe-failure.ts";
import { type ClientSettings, CONNECT_TIMEOUT_MS, connectorClient } from "./imap-client.ts";
import { openPassword } from "./password-box.ts";

export interface ConnectionReport {
  ok: boolean;
  /** The step that failed; null when all passed. */
  failedStep: FailureStep | null;
  message: string;
  /** Each folder with its message count, as far as the test got. */
  folders: { name: string; messages: number | null; error: string | null }[];
}

export async function testConnection(s: ClientSettings & { folders: string[] }): Promise<ConnectionReport> {
  const where = { host: s.host, port: s.port };
  const failed = (error: unknown, folders: ConnectionReport["folders"] = []): ConnectionReport => {
    const f = describeFailure(error, where);
    return { ok: false, failedStep: f.step, message: f.message, folders };
  };
  let address: string;
  try {
    address = net.isIP(s.host) ? s.host : (await lookup(s.host)).address;
  } catch (e) {
    return failed(e);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: address, port: s.port });
      socket.setTimeout(CONNECT_TIMEOUT_MS, () => {
        socket.destroy();
        reject(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
      });
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", reject);
    });
  } catch (e) {
    return failed(e);
  }
  const client = connectorClient(s);
  try {
    await client.connect();
  } catch (e) {
    client.close();
    return failed(e);
  }
  const folders: ConnectionReport["folders"] = [];
  try {
    for (const name of s.folders) {
      try {
        const status = await client.status(name, { messages: true });
        folders.push({ name, messages: status ? (status.messages ?? null) : null, error: null });
      } catch (e) {
        if (!client.usable) throw e;
        const said = (e as { responseText?: string }).responseText;
        folders.push({ name, messages: null, error: `Folder: "${name}" cannot be opened${said ? ` (${said})` : ""}` });
      }
    }
  } catch (e) {
    return failed(e, folders);
  } finally {
    await client.logout().catch(() => {});
    client.close();
  }
  const bad = folders.find((f) => f.error);
  if (bad) return { ok: false, failedStep: "folder", message: bad.error as string, folders };
  const count = folders.map((f) => `${f.name} ${f.messages ?? "?"}`).join(", ");
  return { ok: true, failedStep: null, message: `Connected, signed in and opened ${count} messages`, folders };
}

/** The test for a stored connector, with its own sealed password (opened here and forgotten). */
export async function testConnectorById(id: number, dataDir: string): Promise<ConnectionReport> {
  const c = await db().connector.findUnique({ where: { id } });
  if (!c) throw new InputError(`no connector ${id}`, "not_found");
  return testConnection({ ...c, password: openPassword(dataDir, c.passwordBox) });
}

/**
 * The test of a saved connector's settings as edited: a password (or CA) the
 * admin left empty is the stored one, opened here and forgotten.
 */
export async function testEditedConnector(
  id: number,
  s: Omit<ClientSettings, "password" | "caPem"> & { password: string; caPem: string | null; folders: string[] },
  dataDir: string,
): Promise<ConnectionReport> {
  const c = await db().connector.findUnique({ where: { id } });
  if (!c) throw new InputError(`no connector ${id}`, "not_found");
  return testConnection({
    ...s,
    password: s.password || openPassword(dataDir, c.passwordBox),
    caPem: s.caPem || c.caPem,
  });
}
