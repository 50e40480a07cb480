// BINARY[part] (RFC 3516 §4.2): a part's body with its Content-Transfer-
// Encoding undone. An encoding we cannot undo is answered NO [UNKNOWN-CTE]
// (§4.3), which the caller reports.
import { decodeTransferEncoding } from "../../../server/mime/transfer-decoding.ts";
import { headerField, type MimeNode, resolvePart } from "./message-structure.ts";

export type BinaryContent = { ok: true; bytes: Buffer } | { ok: false; reason: "unknown-cte" | "no-part" };

const IDENTITY = new Set(["7bit", "8bit", "binary", ""]);

export function binaryContent(raw: Buffer, root: MimeNode, part: readonly number[]): BinaryContent {
  if (part.length === 0) return { ok: true, bytes: raw };
  const node = resolvePart(root, part);
  if (!node) return { ok: false, reason: "no-part" };
  const body = raw.subarray(node.bodyStart, node.end);
  const encoding = (headerField(node, "content-transfer-encoding") ?? "").trim().toLowerCase();
  if (IDENTITY.has(encoding)) return { ok: true, bytes: body };
  if (encoding !== "base64" && encoding !== "quoted-printable") return { ok: false, reason: "unknown-cte" };
  return { ok: true, bytes: decodeTransferEncoding(body, encoding) };
}
