// DKIM signing (RFC 6376) of outbound mail with the sender domain's key:
// rsa-sha256, relaxed/relaxed, no l= (a length limit lets anyone append to a
// signed body). mailauth's dkimSign lists only the fields present in h=, so
// it cannot over-sign; this signer is small and is checked against mailauth's
// verifier in tests/protocol/outbound-delivery.test.ts.
import { createHash, type KeyObject, sign } from "node:crypto";
import { splitHeaderBlock } from "../mime/header-block.ts";

/** Fields worth protecting, in h= order (RFC 6376 §5.4.1). */
const SIGNED_FIELDS = [
  "from",
  "sender",
  "reply-to",
  "to",
  "cc",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "auto-submitted",
];

// RFC 6376 §5.4.2 / §8.15: naming a field once more than it occurs signs its
// absence, so nobody can add a second From, To, Subject or Date that some
// reader would display instead of the signed one.
const OVERSIGNED_FIELDS = new Set(["from", "to", "subject", "date"]);

export interface DkimKeyInput {
  domain: string;
  selector: string;
  /** A parsed key (dkim-keys.ts caches them), or PEM text. */
  privateKey: KeyObject | string;
}

/** The DKIM-Signature field (ending in CRLF) to prepend to `raw`, a CRLF message. */
export function dkimSignatureField(raw: Buffer, key: DkimKeyInput, now = new Date()): string {
  const { headerEnd, bodyStart } = splitHeaderBlock(raw);
  const fields = headerFields(raw.subarray(0, headerEnd).toString("latin1"));
  const bodyHash = createHash("sha256")
    .update(relaxedBody(raw.subarray(bodyStart).toString("latin1")), "latin1")
    .digest("base64");

  const names: string[] = [];
  for (const name of SIGNED_FIELDS) {
    const count = fields.filter((f) => f.name === name).length;
    for (let i = 0; i < count + (OVERSIGNED_FIELDS.has(name) ? 1 : 0); i++) names.push(name);
  }
  // §5.4.2: for a name listed n times, the n-th listing signs the n-th instance from the bottom.
  const used = new Map<string, number>();
  let signedData = "";
  for (const name of names) {
    const instances = fields.filter((f) => f.name === name);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const field = instances[instances.length - 1 - n];
    if (field) signedData += `${relaxedField(field.text)}\r\n`;
  }
  const unsigned =
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${key.domain}; s=${key.selector};\r\n` +
    `\tt=${Math.floor(now.getTime() / 1000)}; h=${names.join(":")};\r\n` +
    `\tbh=${bodyHash};\r\n\tb=`;
  // §3.7: the signature field itself is hashed last, with an empty b= and no trailing CRLF.
  signedData += relaxedField(unsigned);
  const signature = sign("sha256", Buffer.from(signedData, "latin1"), key.privateKey).toString("base64");
  return `${unsigned}${signature}\r\n`;
}

function headerFields(block: string): { name: string; text: string }[] {
  const fields: { name: string; text: string }[] = [];
  for (const line of block.split("\r\n")) {
    const previous = fields.at(-1);
    if (/^[ \t]/.test(line) && previous) previous.text += `\r\n${line}`;
    else if (line.includes(":"))
      fields.push({ name: line.slice(0, line.indexOf(":")).trim().toLowerCase(), text: line });
  }
  return fields;
}

/** RFC 6376 §3.4.2 relaxed header canonicalization. */
function relaxedField(text: string): string {
  const colon = text.indexOf(":");
  const name = text.slice(0, colon).trim().toLowerCase();
  const value = text
    .slice(colon + 1)
    .replace(/\r\n/g, "")
    .replace(/[ \t]+/g, " ")
    .trim();
  return `${name}:${value}`;
}

/** RFC 6376 §3.4.4 relaxed body canonicalization. */
function relaxedBody(body: string): string {
  const lines = body.split("\r\n").map((line) => line.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  const text = lines.join("\r\n").replace(/(\r\n)+$/, "");
  return text === "" ? "" : `${text}\r\n`;
}
