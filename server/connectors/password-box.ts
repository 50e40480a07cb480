// Connector passwords at rest: AES-256-GCM under a key that Yubin generates
// on first use and keeps in the data dir (secrets/connector-key, mode 0600,
// beside the session secret: server/lifecycle/secrets.ts). The database alone
// (a dump, a backup) does not give the password away. Every mail node that
// runs connectors needs the same key file (docs/connectors.md). The plain
// password exists only in memory while a connection logs in; it is never
// returned by an API, printed or logged.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.ts";

const VERSION = "v1";

function connectorKey(dataDir: string): Buffer {
  const dir = path.join(dataDir, "secrets");
  const file = path.join(dir, "connector-key");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // wx: two processes starting at once must not overwrite each other's key.
    try {
      writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== 32) throw new Error(`${file} is not a 32-byte key`);
  return key;
}

export function sealPassword(dataDir: string, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", connectorKey(dataDir), iv);
  const sealed = Buffer.concat([cipher.update(password, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), sealed.toString("base64")].join(":");
}

export function openPassword(dataDir: string, box: string): string {
  const [version, iv, tag, sealed] = box.split(":");
  if (version !== VERSION || !iv || !tag || sealed === undefined)
    throw new InputError("the stored password is damaged");
  try {
    const decipher = createDecipheriv("aes-256-gcm", connectorKey(dataDir), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new InputError(
      "the stored password cannot be decrypted with this data dir's connector key (secrets/connector-key): copy the key from the node that added the connector, or set the password again",
    );
  }
}
