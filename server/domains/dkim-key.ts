// A DKIM key pair for a new domain (RFC 6376 §3.3.3: RSA of at least 1024
// bits; 2048 is what large receivers expect today).
import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);

export interface DkimKey {
  selector: string;
  privateKeyPem: string;
  /** base64 of the DER SubjectPublicKeyInfo: the `p=` of the DNS record. */
  publicKeyBase64: string;
}

export async function createDkimKey(now = new Date()): Promise<DkimKey> {
  const { privateKey, publicKey } = await generate("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    // A dated selector lets a later key be published beside this one before rotation.
    selector: `yubin${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}`,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyBase64: der.toString("base64"),
  };
}
