// GET /api/admin/transfers/N/download: a finished browser export, streamed
// from the data dir as an attachment named <address>-<date>.mbox (or .zip).
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { exportFile } from "../../../../../../server/transfer/transfer-admin.ts";
import { contentDisposition } from "../../../../messages/download-headers.ts";
import { pathInteger } from "../../../../messages/message-request.ts";
import { adminRequest, notFound } from "../../../admin-request.ts";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const user = await adminRequest(request);
  if (!user) return notFound();
  const jobId = pathInteger((await params).id);
  const file = jobId ? await exportFile(jobId) : null;
  const info = file ? await stat(file.path).catch(() => null) : null;
  if (!file || !info) return notFound();
  const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": file.format === "eml-zip" ? "application/zip" : "application/mbox",
      "Content-Disposition": contentDisposition("attachment", file.fileName),
      "Content-Length": String(info.size),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
