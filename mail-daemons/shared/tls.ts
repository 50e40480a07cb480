// TLS credentials for every listener: the operator's PEM files when given
// (YUBIN_TLS_CERT / YUBIN_TLS_KEY, read by the caller), else a self-signed
// certificate for the hostname, made once and kept under <dataDir>/tls/ so that
// clients which pinned it keep working across restarts (DESIGN.md "Contract").
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

export interface TlsCredentials {
  key: Buffer;
  cert: Buffer;
}

export interface TlsSource {
  certPath?: string;
  keyPath?: string;
  dataDir: string;
  hostname: string;
}

const run = promisify(execFile);
const SELF_SIGNED_DAYS = 3650;

export async function loadTlsCredentials(source: TlsSource): Promise<TlsCredentials> {
  if (source.certPath || source.keyPath) {
    if (!source.certPath || !source.keyPath) {
      throw new Error("YUBIN_TLS_CERT and YUBIN_TLS_KEY must be given together");
    }
    return { cert: await readFile(source.certPath), key: await readFile(source.keyPath) };
  }
  const dir = path.join(source.dataDir, "tls", safeName(source.hostname));
  return (await readPair(dir)) ?? (await createSelfSigned(source, dir));
}

async function readPair(dir: string): Promise<TlsCredentials | null> {
  try {
    return { key: await readFile(path.join(dir, "key.pem")), cert: await readFile(path.join(dir, "cert.pem")) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

// Generated in a private temporary directory and renamed into place in one
// step, so that two roles starting at once never pair one's key with the
// other's certificate: the loser's rename fails and it reads the winner's pair.
async function createSelfSigned(source: TlsSource, dir: string): Promise<TlsCredentials> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const tmp = await mkdtemp(path.join(parent, ".new-"));
  try {
    const key = path.join(tmp, "key.pem");
    const san = isIP(source.hostname) ? `IP:${source.hostname}` : `DNS:${source.hostname}`;
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      path.join(tmp, "cert.pem"),
      "-days",
      String(SELF_SIGNED_DAYS),
      "-subj",
      `/CN=${source.hostname}`,
      "-addext",
      `subjectAltName=${san}`,
    ]).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        throw new Error("openssl is not installed: install it or set YUBIN_TLS_CERT and YUBIN_TLS_KEY");
      }
      throw error;
    });
    await chmod(key, 0o600);
    await rename(tmp, dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST" && error.code !== "ENOTEMPTY") throw error;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const pair = await readPair(dir);
  if (!pair) throw new Error(`self-signed certificate missing in ${dir}`);
  return pair;
}

// The hostname comes from configuration, but it becomes a path component.
function safeName(hostname: string): string {
  return hostname.toLowerCase().replace(/[^a-z0-9.-]/g, "_");
}
