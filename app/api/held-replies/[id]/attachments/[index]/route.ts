// One attachment of a held reply (Approval), for the reviewer to check before
// approving: the same authority as seeing the held reply (a member of its
// conversation's mailbox), the same 404 for anything else, and the same
// download and preview rules as a message's attachments.
import { heldReplyAttachment } from "../../../../../../server/approval/held-attachments.ts";
import { sessionUser } from "../../../../../../server/auth/session-user.ts";
import { attachmentMode, attachmentResponse } from "../../../../messages/attachment-response.ts";
import { notFound, pathInteger } from "../../../../messages/message-request.ts";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; index: string }> }) {
  const { id, index: indexSegment } = await params;
  const pendingReplyId = pathInteger(id);
  const index = pathInteger(indexSegment);
  if (!pendingReplyId || index === null) return notFound();
  const user = await sessionUser(request.headers);
  if (!user) return notFound();
  const attachment = await heldReplyAttachment({ userId: user.id, pendingReplyId, index });
  if (!attachment) return notFound();
  return attachmentResponse(attachment, index, attachmentMode(request));
}
