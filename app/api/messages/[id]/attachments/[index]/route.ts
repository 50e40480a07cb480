// One attachment of a message: a download, `?inline=1` for an image shown in
// place (the cid: images of the message HTML), `?preview=1` for a thumbnail
// or the in-page viewer (attachment-response.ts decides what may be shown).
import { messageAttachment } from "../../../../../../server/conversations/message-content.ts";
import { attachmentMode, attachmentResponse } from "../../../attachment-response.ts";
import { messageRequest, notFound, pathInteger } from "../../../message-request.ts";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; index: string }> }) {
  const target = await messageRequest(request, params);
  const index = pathInteger((await params).index);
  if (!target || index === null) return notFound();
  const attachment = await messageAttachment({ message: target, index });
  if (!attachment) return notFound();
  return attachmentResponse(attachment, index, attachmentMode(request));
}
