// POST /api/admin/transfers/upload?mailboxId=N&name=FILE with the file as the
// body (application/octet-stream): an mbox or a zip of .eml files to import
// into mailbox N. Streamed to the data dir (server/transfer/receive-upload.ts),
// never read into memory; answered with the queued job's id.
import { adminMailbox } from "../../../../../server/access/gate.ts";
import { uploadRefusal } from "../../../../../server/api/request-guard.ts";
import { clientAddress } from "../../../../../server/auth/client-address.ts";
import { receiveImportUpload } from "../../../../../server/transfer/receive-upload.ts";
import { pathInteger } from "../../../messages/message-request.ts";
import { adminRequest, notFound } from "../../admin-request.ts";

function answer(status: number, body: unknown): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", Connection: "close" } });
}

export async function POST(request: Request): Promise<Response> {
  const refusal = uploadRefusal(request);
  if (refusal) return answer(403, { error: { message: refusal, code: "FORBIDDEN" } });
  const user = await adminRequest(request);
  if (!user) return notFound();
  const url = new URL(request.url);
  const requested = pathInteger(url.searchParams.get("mailboxId") ?? "");
  const mailboxId = requested ? await adminMailbox({ userId: user.id, mailboxId: requested }) : null;
  if (!mailboxId) return answer(404, { error: { message: "No such mailbox.", code: "NOT_FOUND" } });
  const declared = request.headers.get("content-length");
  const outcome = await receiveImportUpload({
    body: request.body as Parameters<typeof receiveImportUpload>[0]["body"],
    declaredBytes: declared === null ? null : Number(declared),
    fileName: url.searchParams.get("name") ?? "upload",
    mailboxId,
    actorId: user.id,
    ip: clientAddress(request.headers),
  });
  if (!outcome.ok) {
    if (outcome.status === 413) await request.body?.cancel().catch(() => {});
    return answer(outcome.status, {
      error: { message: outcome.message, code: outcome.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST" },
    });
  }
  return answer(200, { jobId: outcome.job.id });
}
